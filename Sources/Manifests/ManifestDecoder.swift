import FleetModel
import Foundation
import YAML

/// One manifest file, decoded: its SIMs with defaults applied, and what was wrong with it.
public struct ManifestFile: Sendable {
    public var path: String
    public var sims: [DesiredSIM]
    public var diagnostics: [Diagnostic]
    /// Problems past the first `Diagnostics.shownLimit`, counted, not kept.
    public var omittedDiagnostics = 0
}

/// Decodes a stream of libyaml events straight into SIM values, keeping every location.
///
/// Decoding never stops at the first problem: a bad value is reported and skipped,
/// and only a YAML syntax error ends the file, since libyaml cannot go on after it.
struct ManifestDecoder {
    private let path: String
    private let parser: YAMLEventParser
    private var diagnostics = Diagnostics()
    private var sims: [DesiredSIM] = []
    /// Entry labels -> labels merged over the current document's defaults.
    private var mergedLabelSets: [[String: String]: [String: String]] = [:]
    /// The key whose value `forEachKey` is handing to its body.
    private var keyPosition: Position?

    /// How deep `expect:` values may nest; the format needs two levels.
    private static let maxExpectDepth = 4

    static func decode(path: String, bytes: some Collection<UInt8>) -> ManifestFile {
        decode(path: path, parser: YAMLEventParser(bytes: bytes))
    }

    static func decode(contentsOf path: String, limit: Int) -> ManifestFile {
        do {
            return decode(path: path, parser: try YAMLEventParser(contentsOf: path, limit: limit))
        } catch {
            return ManifestFile(path: path, sims: [], diagnostics: [.error(.fileRead, at: SourceLocation(path: path), error.message)])
        }
    }

    private static func decode(path: String, parser: YAMLEventParser) -> ManifestFile {
        var decoder = ManifestDecoder(path: path, parser: parser)
        do {
            try decoder.decodeStream()
        } catch {
            decoder.diagnostics.append(error.diagnostic(path: path))
        }
        return ManifestFile(path: path, sims: decoder.sims, diagnostics: decoder.diagnostics.kept,
                            omittedDiagnostics: decoder.diagnostics.omitted)
    }

    private init(path: String, parser: YAMLEventParser) {
        self.path = path
        self.parser = parser
    }

    // MARK: Structure

    private mutating func decodeStream() throws(YAMLSyntaxError) {
        while true {
            let event = try next()
            switch event.kind {
            case .streamEnd: return
            case .documentStart:
                try decodeDocument(root: try next())
                _ = try next() // documentEnd
            default: continue // streamStart
            }
        }
    }

    private mutating func decodeDocument(root: YAMLEvent) throws(YAMLSyntaxError) {
        if root.isNull { return }
        guard root.kind == .mappingStart else {
            report(.manifestShape, root, "a manifest document must be a mapping with a 'sims:' list, found \(root.kindName); see manifests/ for examples")
            try skip(root)
            return
        }
        var defaults: EntryDraft?
        var sawDefaults = false
        // SIMs listed before `defaults:` wait for it; the usual order resolves at once.
        var waiting: [EntryDraft] = []
        try forEachKey(in: root, fields: ManifestSchema.documentFields, context: "a manifest document") { decoder, field, value throws(YAMLSyntaxError) in
            switch field.type {
            case .version:
                try decoder.decodeVersion(value)
            case .defaults:
                defaults = try decoder.decodeEntry(value, fields: ManifestSchema.defaultsFields, context: "'defaults'")
                sawDefaults = true
            default:
                guard value.kind == .sequenceStart else {
                    decoder.typeError(value, key: "sims", expected: "a list of SIM entries ('- icc: ...')")
                    try decoder.skip(value)
                    return
                }
                while true {
                    let item = try decoder.next()
                    if item.kind == .sequenceEnd { break }
                    guard let entry = try decoder.decodeEntry(item, fields: ManifestSchema.simFields, context: "a SIM entry") else { continue }
                    if sawDefaults {
                        decoder.resolve(entry, defaults: defaults)
                    } else {
                        waiting.append(entry)
                    }
                }
            }
        }
        for entry in waiting { resolve(entry, defaults: defaults) }
        mergedLabelSets = [:]
    }

    /// Calls `body` with each known key's field and value event; reports unknown and repeated keys.
    private mutating func forEachKey(
        in start: YAMLEvent, fields: [ManifestSchema.Field], context: String,
        _ body: (inout ManifestDecoder, ManifestSchema.Field, YAMLEvent) throws(YAMLSyntaxError) -> Void
    ) throws(YAMLSyntaxError) {
        var seen: UInt64 = 0 // bit i: fields[i] was given
        while true {
            let keyEvent = try next()
            if keyEvent.kind == .mappingEnd { return }
            guard keyEvent.kind == .scalar else {
                if keyEvent.kind != .alias { report(.keyNotText, keyEvent, "keys in \(context) must be plain text, found \(keyEvent.kindName)") }
                try skip(keyEvent)
                try skip(try next())
                continue
            }
            let key = keyEvent.value
            keyPosition = Position(keyEvent)
            let value = try next()
            guard let index = fields.firstIndex(where: { $0.key == key }) else {
                report(.keyUnknown, keyEvent, Self.unknownKeyMessage(key, in: fields, context: context))
                try skip(value)
                continue
            }
            guard seen & (1 << index) == 0 else {
                report(.keyDuplicate, keyEvent, "key '\(Diagnostic.excerpt(key))' appears twice in \(context); keep one")
                try skip(value)
                continue
            }
            seen |= 1 << index
            try body(&self, fields[index], value)
        }
    }

    static func unknownKeyMessage(_ key: String, in fields: [ManifestSchema.Field], context: String) -> String {
        YAMLRules.unknownKeyMessage(key, known: fields.map(\.key), context: context)
    }

    // MARK: Entries

    /// A SIM entry or `defaults:` block as written, before defaults are applied.
    private struct EntryDraft {
        var location: Position
        /// Whether the key was written, even with a value that was rejected.
        var iccGiven = false, stateGiven = false
        var icc: String?
        var iccLocation: Position?
        var name: String?
        var state: SIMState?
        var stateLocation: Position?
        var labels: [String: String]?
        var protect: Bool?
        /// The `protect` key, where a contradiction with `state: terminated` is reported.
        var protectLocation: Position?
        var callbackURL: String?
        var expect: [String: ExpectedValue]?
        var note: String?
    }

    private mutating func decodeEntry(_ start: YAMLEvent, fields: [ManifestSchema.Field], context: String) throws(YAMLSyntaxError) -> EntryDraft? {
        guard start.kind == .mappingStart else {
            if start.kind != .alias {
                report(.manifestShape, start, "\(context) must be a mapping of keys such as 'icc:' and 'state:', found \(start.kindName)")
            }
            try skip(start)
            return nil
        }
        var draft = EntryDraft(location: Position(start))
        try forEachKey(in: start, fields: fields, context: context) { decoder, field, value throws(YAMLSyntaxError) in
            switch field.type {
            case .icc:
                draft.iccGiven = true
                draft.icc = try decoder.text(value, key: field.key)
                draft.iccLocation = Position(value)
            case .state:
                draft.stateGiven = true
                draft.state = try decoder.state(value)
                draft.stateLocation = Position(value)
            case .labels: draft.labels = try decoder.labels(value)
            case .boolean:
                draft.protect = try decoder.boolean(value, key: field.key)
                draft.protectLocation = decoder.keyPosition
            case .callbackURL: draft.callbackURL = try decoder.callbackURL(value)
            case .expect: draft.expect = try decoder.expect(value)
            case .text where field.key == "name": draft.name = try decoder.text(value, key: field.key)
            case .text: draft.note = try decoder.text(value, key: field.key)
            default: try decoder.skip(value)
            }
        }
        return draft
    }

    /// Applies `defaults` to `entry` and records the SIM, or reports why it cannot be.
    private mutating func resolve(_ entry: EntryDraft, defaults: EntryDraft?) {
        guard let text = entry.icc, let iccLocation = entry.iccLocation else {
            if !entry.iccGiven {
                diagnostics.append(.error(.iccMissing, at: location(entry.location), "this SIM entry has no 'icc'; add the ICC printed on the SIM card (18 to 20 digits)"))
            }
            return
        }
        if let problem = ICC.validate(text) {
            diagnostics.append(problem.diagnostic(icc: text, at: location(iccLocation)))
            return
        }
        guard let state = entry.state ?? defaults?.state else {
            if !entry.stateGiven && !(defaults?.stateGiven ?? false) {
                diagnostics.append(.error(.stateMissing, at: location(entry.location), "SIM \(text) has no 'state'; set 'state:' on the entry or under this document's 'defaults:' (one of \(Self.stateList))"))
            }
            return
        }
        let protect = entry.protect ?? defaults?.protect ?? false
        if protect && state == .terminated,
           let protectLocation = entry.protect != nil ? entry.protectLocation : defaults?.protectLocation {
            diagnostics.append(.error(.protectTerminated, at: location(protectLocation), "SIM \(text) sets protect: true and state: terminated, which no run can satisfy; remove one of the two"))
            return
        }
        let labels = mergedLabels(entry.labels, over: defaults?.labels)
        var expect = defaults?.expect ?? [:]
        expect.merge(entry.expect ?? [:]) { _, own in own }
        sims.append(DesiredSIM(
            icc: ICC(unchecked: text), name: entry.name, state: state, labels: labels,
            protect: protect,
            callbackURL: entry.callbackURL ?? defaults?.callbackURL,
            expect: expect, note: entry.note ?? defaults?.note,
            location: location(entry.location),
            stateLocation: (entry.state != nil ? entry.stateLocation : defaults?.stateLocation).map(location)
        ))
    }

    /// Merges an entry's labels over its document's defaults. Fleets repeat a handful of
    /// label sets thousands of times, so each distinct result is made once per document
    /// and shared, instead of a dictionary per SIM.
    private mutating func mergedLabels(_ own: [String: String]?, over defaults: [String: String]?) -> [String: String] {
        guard let own, !own.isEmpty else { return defaults ?? [:] }
        if let shared = mergedLabelSets[own] { return shared }
        var merged = defaults ?? [:]
        merged.merge(own) { _, own in own }
        if mergedLabelSets.count < 1024 { mergedLabelSets[own] = merged }
        return merged
    }

    static let stateList = SIMState.allCases.map(\.rawValue).joined(separator: ", ")

    // MARK: Values

    private mutating func decodeVersion(_ event: YAMLEvent) throws(YAMLSyntaxError) {
        guard let text = try text(event, key: "version") else { return }
        if text != String(ManifestSchema.version) {
            report(.versionUnsupported, event, "unsupported manifest version '\(Diagnostic.excerpt(text))'; this simfleet reads version \(ManifestSchema.version)")
        }
    }

    /// A scalar's text; reports and skips anything else.
    private mutating func text(_ event: YAMLEvent, key: String) throws(YAMLSyntaxError) -> String? {
        switch event.kind {
        case .scalar where event.isNull:
            report(.valueMissing, event, "'\(key)' has no value; write one, or remove the key")
            return nil
        case .scalar:
            return event.value
        case .alias:
            return nil
        default:
            typeError(event, key: key, expected: "text")
            try skip(event)
            return nil
        }
    }

    private mutating func boolean(_ event: YAMLEvent, key: String) throws(YAMLSyntaxError) -> Bool? {
        guard let text = try text(event, key: key) else { return nil }
        if event.isPlain {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(.valueType, event, "'\(key)' must be true or false, found '\(Diagnostic.excerpt(text))'\(event.isPlain ? "" : " in quotes"); write true or false without quotes")
        return nil
    }

    private mutating func state(_ event: YAMLEvent) throws(YAMLSyntaxError) -> SIMState? {
        guard let text = try text(event, key: "state") else { return nil }
        if let state = SIMState(rawValue: text) { return state }
        let valid = SIMState.allCases.map(\.rawValue)
        if let suggestion = Suggestion.nearest(to: text, in: valid) {
            report(.stateUnknown, event, "unknown state '\(Diagnostic.excerpt(text))'; did you mean '\(suggestion)'? (valid states: \(Self.stateList))")
        } else {
            report(.stateUnknown, event, "unknown state '\(Diagnostic.excerpt(text))'; valid states are \(Self.stateList)")
        }
        return nil
    }

    private mutating func labels(_ event: YAMLEvent) throws(YAMLSyntaxError) -> [String: String]? {
        guard try opensMapping(event, key: "labels", expected: "a mapping of text to text, e.g. {depot: aarhus}") else { return nil }
        return try textKeyedMapping(keysAre: "label names", keyNoun: "label", in: "'labels'") { decoder, name, value throws(YAMLSyntaxError) in
            try decoder.text(value, key: "labels.\(name)")
        }
    }

    private mutating func callbackURL(_ event: YAMLEvent) throws(YAMLSyntaxError) -> String? {
        guard let text = try text(event, key: "callbackUrl") else { return nil }
        if let problem = CallbackURL.problem(with: text) {
            report(.callbackURL, event, problem)
            return nil
        }
        return text
    }

    private mutating func expect(_ event: YAMLEvent) throws(YAMLSyntaxError) -> [String: ExpectedValue]? {
        guard try opensMapping(event, key: "expect", expected: "a mapping of status facts, e.g. {countryCode: DK}") else { return nil }
        var facts: [String: ExpectedValue] = [:]
        try forEachKey(in: event, fields: ManifestSchema.expectFields, context: "'expect'") { decoder, field, value throws(YAMLSyntaxError) in
            let wanted: (YAMLEvent.Kind, String) = switch field.type {
            case .expectedList: (.sequenceStart, "a list, e.g. [gps, eu]")
            case .expectedMapping: (.mappingStart, "a mapping, e.g. {id: 12}")
            default: (.scalar, "text")
            }
            guard value.kind == wanted.0 || value.kind == .alias else {
                decoder.typeError(value, key: "expect.\(field.key)", expected: wanted.1)
                try decoder.skip(value)
                return
            }
            if let fact = try decoder.expectedValue(value, key: "expect.\(field.key)", depth: 1) {
                facts[field.key] = fact
            }
        }
        return facts
    }

    private mutating func expectedValue(_ event: YAMLEvent, key: String, depth: Int) throws(YAMLSyntaxError) -> ExpectedValue? {
        if depth > Self.maxExpectDepth, event.kind == .mappingStart || event.kind == .sequenceStart {
            report(.yamlDepth, event, "'\(key)' nests too deeply; /status facts are at most \(Self.maxExpectDepth) levels deep")
            try skip(event)
            return nil
        }
        switch event.kind {
        case .sequenceStart:
            var items: [ExpectedValue] = []
            while true {
                let item = try next()
                if item.kind == .sequenceEnd { break }
                if let value = try expectedValue(item, key: key, depth: depth + 1) { items.append(value) }
            }
            return .list(items)
        case .mappingStart:
            let map = try textKeyedMapping(keysAre: "keys in '\(key)'", keyNoun: "key", in: "'\(key)'") { decoder, name, value throws(YAMLSyntaxError) in
                try decoder.expectedValue(value, key: "\(key).\(name)", depth: depth + 1)
            }
            return .mapping(map)
        default:
            return try text(event, key: key).map(ExpectedValue.text)
        }
    }

    /// Whether `event` opens a mapping; if not, says what `key` must be and skips the value.
    private mutating func opensMapping(_ event: YAMLEvent, key: String, expected: String) throws(YAMLSyntaxError) -> Bool {
        guard event.kind == .mappingStart else {
            if event.kind != .alias { typeError(event, key: key, expected: expected) }
            try skip(event)
            return false
        }
        return true
    }

    /// The rest of a mapping whose keys are free text (labels, `expect` facts): a key that
    /// is not text, or comes twice, is reported and its value skipped; `read` reads each
    /// value, nil leaving it out.
    private mutating func textKeyedMapping<Value>(
        keysAre: String, keyNoun: String, in container: String,
        _ read: (inout ManifestDecoder, String, YAMLEvent) throws(YAMLSyntaxError) -> Value?
    ) throws(YAMLSyntaxError) -> [String: Value] {
        var map: [String: Value] = [:]
        while true {
            let keyEvent = try next()
            if keyEvent.kind == .mappingEnd { break }
            guard keyEvent.kind == .scalar, !keyEvent.isNull else {
                if keyEvent.kind != .alias { report(.keyNotText, keyEvent, "\(keysAre) must be text, found \(keyEvent.kindName)") }
                try skip(keyEvent)
                try skip(try next())
                continue
            }
            let valueEvent = try next()
            if map[keyEvent.value] != nil {
                report(.keyDuplicate, keyEvent, "\(keyNoun) '\(Diagnostic.excerpt(keyEvent.value))' appears twice in \(container); keep one")
                try skip(valueEvent)
                continue
            }
            if let value = try read(&self, keyEvent.value, valueEvent) { map[keyEvent.value] = value }
        }
        return map
    }

    // MARK: Events

    /// The next event; reports YAML features the format leaves out on purpose.
    private mutating func next() throws(YAMLSyntaxError) -> YAMLEvent {
        let event = try parser.next()
        for problem in YAMLRules.unsupported(event, instead: "put shared values under 'defaults:' instead") {
            report(.yamlUnsupported, event, problem)
        }
        return event
    }

    /// Consumes the rest of the node that `start` opened, without recursion.
    private mutating func skip(_ start: YAMLEvent) throws(YAMLSyntaxError) {
        try YAMLRules.skip(start) { () throws(YAMLSyntaxError) in try next() }
    }

    /// A line and column in this file; made into a `SourceLocation` only when kept.
    private struct Position {
        var line: Int32
        var column: Int32
        init(_ event: YAMLEvent) {
            line = Int32(truncatingIfNeeded: event.line)
            column = Int32(truncatingIfNeeded: event.column)
        }
    }

    private func location(_ position: Position) -> SourceLocation {
        SourceLocation(path: path, line: Int(position.line), column: Int(position.column))
    }

    private func location(_ event: YAMLEvent) -> SourceLocation {
        SourceLocation(path: path, line: event.line, column: event.column)
    }

    private mutating func report(_ code: DiagnosticCode, _ event: YAMLEvent, _ message: String) {
        diagnostics.append(.error(code, at: location(event), message))
    }

    private mutating func typeError(_ event: YAMLEvent, key: String, expected: String) {
        report(.valueType, event, "'\(key)' must be \(expected), found \(event.kindName)")
    }
}
