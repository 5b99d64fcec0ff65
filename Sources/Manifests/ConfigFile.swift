import FleetModel
import Foundation
import Platform
import YAML

/// `simfleet.yaml`: settings that are not about individual SIMs.
///
/// ```yaml
/// statusMap:               # NexCon status words, by what they mean
///   replace: false         # true: only the words below are known
///   active: [LIVE]
///   pending: [QUEUED]
/// blastRadius:             # apply needs --force past this
///   percent: 10
///   minimum: 5
/// policy:                  # rules per label, judged by Policy
///   - name: production SIMs are never terminated here
///     match: {env: prod}
///     deny: [terminate]
/// ```
public struct SimfleetConfig: Sendable, Equatable {
    public var statusWords: [LiveState: [String]] = [:]
    public var replaceStatusMap = false
    public var blastRadiusPercent: Double?
    public var blastRadiusMinimum: Int?
    public var policy: [PolicyRule] = []

    public init() {}

    public static let fileName = "simfleet.yaml"
    /// More policy rules than this are refused.
    public static let maximumRules = 256
    /// Larger settings files are refused unread.
    public static let maximumSize = 1 << 20

    public var statusMapping: StatusMapping {
        replaceStatusMap ? StatusMapping(statusWords) : StatusMapping.standard.extended(with: statusWords)
    }

    /// Reads a config file; a missing default file is an empty config.
    /// Confined like the manifests: a `simfleet.yaml` that is a link leading outside the
    /// repository is an error and is not read, unless `followExternalLinks`; a pull request
    /// could otherwise have a runner's file parsed and its keys echoed in a comment.
    public static func load(path: String, required: Bool, followExternalLinks: Bool = false) -> (config: SimfleetConfig, diagnostics: [Diagnostic]) {
        if !followExternalLinks, let boundary = ManifestLoader.boundary(of: path), let problem = FolderWalk.leavesBoundary(path, boundary) {
            return (SimfleetConfig(), [problem])
        }
        switch RegularFile.read(path, limit: maximumSize) {
        case .success(let bytes): return parse(path: path, bytes: bytes)
        case .failure(.missing) where !required: return (SimfleetConfig(), [])
        case .failure(let problem):
            return (SimfleetConfig(), [.error(.fileRead, at: SourceLocation(path: path), "cannot read the config file: \(problem)")])
        }
    }

    public static func parse(path: String, bytes: some Collection<UInt8>) -> (config: SimfleetConfig, diagnostics: [Diagnostic]) {
        let (documents, syntax) = YAMLNode.documents(path: path, bytes: bytes)
        var diagnostics = syntax
        var config = SimfleetConfig()
        guard documents.count <= 1 else {
            return (config, diagnostics + [.error(.configShape, at: documents[1].location, "simfleet.yaml holds one document; remove the '---'")])
        }
        guard let root = documents.first else { return (config, diagnostics) }
        guard case .mapping = root else {
            return (config, diagnostics + [.error(.configShape, at: root.location, "simfleet.yaml must be a mapping with keys such as 'statusMap:', found \(root.kindName)")])
        }
        diagnostics += root.unknownKeys(["statusMap", "blastRadius", "policy"], context: "simfleet.yaml")
        if let map = root["statusMap"] { diagnostics += config.readStatusMap(map) }
        if let radius = root["blastRadius"] { diagnostics += config.readBlastRadius(radius) }
        if let policy = root["policy"] { diagnostics += config.readPolicy(policy) }
        return (config, diagnostics.sorted())
    }

    /// `statusMap:` extra status words by state, and `replace:`.
    private mutating func readStatusMap(_ map: YAMLNode) -> [Diagnostic] {
        var diagnostics = map.unknownKeys(LiveState.allCases.map(\.rawValue) + ["replace"], context: "'statusMap'")
        guard case .mapping(let pairs, _) = map else {
            return diagnostics + [.error(.configStatusMap, at: map.location, "'statusMap' must be a mapping of states to status words, found \(map.kindName)")]
        }
        for pair in pairs {
            if pair.key == "replace" {
                guard case .scalar(let text, true, _) = pair.value, text == "true" || text == "false" else {
                    diagnostics.append(.error(.configStatusMap, at: pair.value.location, "'statusMap.replace' must be true or false"))
                    continue
                }
                replaceStatusMap = text == "true"
                continue
            }
            guard let state = LiveState(rawValue: pair.key) else { continue }
            guard case .sequence(let items, _) = pair.value, items.allSatisfy({ $0.text != nil }) else {
                diagnostics.append(.error(.configStatusMap, at: pair.value.location, "'statusMap.\(pair.key)' must be a list of status words, e.g. [ACTIVATED]"))
                continue
            }
            statusWords[state] = items.compactMap(\.text)
        }
        var seen: [String: LiveState] = [:]
        for state in LiveState.allCases {
            for word in statusWords[state] ?? [] {
                if let other = seen[word.uppercased()], other != state {
                    diagnostics.append(.error(.configStatusMap, at: map.location, "status word '\(Diagnostic.excerpt(word))' is mapped to both \(other.rawValue) and \(state.rawValue); keep one"))
                }
                seen[word.uppercased()] = state
            }
        }
        return diagnostics
    }

    /// `blastRadius:` percent and minimum.
    private mutating func readBlastRadius(_ radius: YAMLNode) -> [Diagnostic] {
        var diagnostics = radius.unknownKeys(["percent", "minimum"], context: "'blastRadius'")
        if let node = radius["percent"] {
            if let value = node.text.flatMap(Double.init), (0...100).contains(value) {
                blastRadiusPercent = value
            } else {
                diagnostics.append(.error(.configBlastRadius, at: node.location, "'blastRadius.percent' must be a number from 0 to 100"))
            }
        }
        if let node = radius["minimum"] {
            if let value = node.text.flatMap({ Int($0) }), value >= 0 {
                blastRadiusMinimum = value
            } else {
                diagnostics.append(.error(.configBlastRadius, at: node.location, "'blastRadius.minimum' must be a whole number, 0 or more"))
            }
        }
        return diagnostics
    }

    /// `policy:` a list of rules, each checked whole; every problem is reported at its line.
    private mutating func readPolicy(_ node: YAMLNode) -> [Diagnostic] {
        if node.isNull { return [] }
        guard case .sequence(let items, _) = node else {
            return [.error(.configPolicy, at: node.location, "'policy' must be a list of rules, each with a 'name:', found \(node.kindName)")]
        }
        guard items.count <= Self.maximumRules else {
            return [.error(.configPolicy, at: node.location, "'policy' holds \(items.count) rules, more than \(Self.maximumRules); merge rules that match the same labels")]
        }
        var diagnostics: [Diagnostic] = []
        var names: [String: SourceLocation] = [:]
        for item in items {
            let (rule, found) = Self.readRule(item)
            diagnostics += found
            // A name is taken even by a rule with mistakes, so a repeat is caught either way.
            if let name = item["name"]?.text?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                if let first = names[name] {
                    diagnostics.append(.error(.configPolicy, at: item.location, "policy rule name '\(Diagnostic.excerpt(name))' is used twice; each rule needs its own name, since plans list steps under it",
                                              notes: [.init(at: first, "first used here")]))
                    continue
                }
                names[name] = item.location
            }
            if let rule { policy.append(rule) }
        }
        return diagnostics
    }

    static let ruleKeys = ["name", "match", "deny", "maxSteps", "requireNote", "freeze", "mode"]

    private static func readRule(_ node: YAMLNode) -> (PolicyRule?, [Diagnostic]) {
        guard case .mapping = node else {
            return (nil, [.error(.configPolicy, at: node.location, "a policy rule must be a mapping with 'name:' and what it asks (deny, maxSteps, requireNote, freeze), found \(node.kindName)")])
        }
        var diagnostics = node.unknownKeys(ruleKeys, context: "a policy rule")
        let name = node["name"]?.text?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty {
            diagnostics.append(.error(.configPolicy, at: node["name"]?.location ?? node.location, "a policy rule needs a 'name:' that is not empty; plans list the steps it catches under it"))
        } else if name.utf8.count > 200 || name.unicodeScalars.contains(where: ControlCharacters.contains) {
            diagnostics.append(.error(.configPolicy, at: node["name"]!.location, "a policy rule's name must be one line of at most 200 bytes"))
        }
        var rule = PolicyRule(name: name, location: node.location)
        if let match = node["match"], !match.isNull {
            if case .mapping(let pairs, _) = match, pairs.allSatisfy({ $0.value.text != nil }) {
                rule.match = Dictionary(pairs.map { ($0.key, $0.value.text!) }, uniquingKeysWith: { first, _ in first })
            } else {
                diagnostics.append(.error(.configPolicy, at: match.location, "'match' must be a mapping of labels to values, such as {env: prod}; {} matches every SIM"))
            }
        }
        for key in ["deny", "requireNote"] {
            guard let list = node[key] else { continue }
            let actions = readActions(list, key: key)
            diagnostics += actions.diagnostics
            if key == "deny" { rule.deny = actions.actions } else { rule.requireNote = actions.actions }
        }
        if let node = node["maxSteps"] {
            if let value = node.text.flatMap({ Int($0) }), value >= 1 {
                rule.maxSteps = value
            } else {
                diagnostics.append(.error(.configPolicy, at: node.location, "'maxSteps' must be a whole number, 1 or more (a rule that allows no step is 'deny')"))
            }
        }
        if let node = node["mode"] {
            if let mode = node.text.flatMap(PolicyRule.Mode.init(rawValue:)) {
                rule.mode = mode
            } else {
                diagnostics.append(.error(.configPolicy, at: node.location, "'mode' must be deny (the default: steps are not sent) or warn (steps are sent and reported)"))
            }
        }
        if let freeze = node["freeze"] {
            let (window, found) = readFreeze(freeze)
            rule.freeze = window
            diagnostics += found
        }
        if rule.deny.isEmpty && rule.maxSteps == nil && rule.requireNote.isEmpty && rule.freeze == nil && !diagnostics.hasErrors {
            diagnostics.append(.error(.configPolicy, at: node.location, "policy rule '\(Diagnostic.excerpt(name))' asks nothing; give it deny, maxSteps, requireNote or freeze"))
        }
        return (diagnostics.hasErrors ? nil : rule, diagnostics)
    }

    private static func readActions(_ node: YAMLNode, key: String, code: DiagnosticCode = .configPolicy) -> (actions: Set<SIMAction>, diagnostics: [Diagnostic]) {
        guard case .sequence(let items, _) = node else {
            return ([], [.error(code, at: node.location, "'\(key)' must be a list of actions, such as [terminate]")])
        }
        var actions: Set<SIMAction> = []
        var diagnostics: [Diagnostic] = []
        for item in items {
            if let action = item.text.flatMap(SIMAction.init(rawValue:)) {
                actions.insert(action)
            } else {
                let valid = SIMAction.allCases.map(\.rawValue)
                let hint = item.text.flatMap { Suggestion.nearest(to: $0, in: valid) }.map { "; did you mean '\($0)'?" } ?? ""
                diagnostics.append(.error(code, at: item.location, "'\(Diagnostic.excerpt(item.text ?? item.kindName))' in '\(key)' is not an action (valid: \(valid.joined(separator: ", ")))\(hint)"))
            }
        }
        return (actions, diagnostics)
    }

    private static func readFreeze(_ node: YAMLNode) -> (FreezeWindow?, [Diagnostic]) {
        guard case .mapping = node else {
            return (nil, [.error(.configFreeze, at: node.location, "'freeze' must be a mapping: {days: [fri], from: \"15:00\", to: \"23:59\", timezone: Europe/Copenhagen}")])
        }
        var diagnostics = node.unknownKeys(["days", "from", "to", "timezone", "actions"], context: "'freeze'")
        var actions = Set(SIMAction.allCases)
        if let list = node["actions"] {
            let read = readActions(list, key: "freeze.actions", code: .configFreeze)
            diagnostics += read.diagnostics
            if read.diagnostics.isEmpty && read.actions.isEmpty {
                diagnostics.append(.error(.configFreeze, at: list.location, "'freeze.actions' is empty, so the freeze holds nothing back; name the actions it holds, such as [activate, restore], or leave it out for all"))
            }
            actions = read.actions
        }
        var days: Set<FreezeWindow.Day> = []
        if let list = node["days"], !list.isNull {
            if case .sequence(let items, _) = list {
                for item in items {
                    if let day = item.text.flatMap({ FreezeWindow.Day(rawValue: $0.lowercased()) }) {
                        days.insert(day)
                    } else {
                        diagnostics.append(.error(.configFreeze, at: item.location, "'\(Diagnostic.excerpt(item.text ?? item.kindName))' is not a day; use mon, tue, wed, thu, fri, sat or sun"))
                    }
                }
            } else {
                diagnostics.append(.error(.configFreeze, at: list.location, "'freeze.days' must be a list of days, such as [fri, sat]; leave it out for every day"))
            }
        }
        var ends: [Int] = []
        for key in ["from", "to"] {
            guard let value = node[key] else {
                diagnostics.append(.error(.configFreeze, at: node.location, "'freeze' needs '\(key):', a time of day as HH:MM"))
                continue
            }
            if let minute = value.text.flatMap(FreezeWindow.minute) {
                ends.append(minute)
            } else {
                diagnostics.append(.error(.configFreeze, at: value.location, "'freeze.\(key)' is '\(Diagnostic.excerpt(value.text ?? value.kindName))', not a time of day as HH:MM (00:00 to 23:59), quoted: \"15:00\""))
            }
        }
        var zone = ""
        if let value = node["timezone"] {
            if let name = value.text, name.utf8.count <= 64, TimeZone(identifier: name) != nil {
                zone = name
            } else {
                diagnostics.append(.error(.configFreeze, at: value.location, "'freeze.timezone' is '\(Diagnostic.excerpt(value.text ?? value.kindName))', not a known time zone; use an IANA name such as Europe/Copenhagen or UTC"))
            }
        } else {
            diagnostics.append(.error(.configFreeze, at: node.location, "'freeze' needs 'timezone:', an IANA name such as Europe/Copenhagen, so a freeze means the same on every runner"))
        }
        guard !diagnostics.hasErrors, ends.count == 2 else { return (nil, diagnostics) }
        return (FreezeWindow(days: days, from: ends[0], to: ends[1], timeZone: zone, actions: actions), diagnostics)
    }
}
