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
/// ```
public struct SimfleetConfig: Sendable, Equatable {
    public var statusWords: [LiveState: [String]] = [:]
    public var replaceStatusMap = false
    public var blastRadiusPercent: Double?
    public var blastRadiusMinimum: Int?

    public init() {}

    public static let fileName = "simfleet.yaml"
    /// Larger settings files are refused unread.
    public static let maximumSize = 1 << 20

    public var statusMapping: StatusMapping {
        replaceStatusMap ? StatusMapping(statusWords) : StatusMapping.standard.extended(with: statusWords)
    }

    /// Reads a config file; a missing default file is an empty config.
    public static func load(path: String, required: Bool) -> (config: SimfleetConfig, diagnostics: [Diagnostic]) {
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
        diagnostics += root.unknownKeys(["statusMap", "blastRadius"], context: "simfleet.yaml")
        if let map = root["statusMap"] { diagnostics += config.readStatusMap(map) }
        if let radius = root["blastRadius"] { diagnostics += config.readBlastRadius(radius) }
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
}
