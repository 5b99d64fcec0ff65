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
    /// Instead of `sims`, where each was declared, when the SIMs are not kept (made on the
    /// worker that decoded the file, so a fleet's SIMs never pile up).
    var declarations: [Declared]?

    public init(path: String, sims: [DesiredSIM], diagnostics: [Diagnostic], omittedDiagnostics: Int = 0) {
        (self.path, self.sims, self.diagnostics, self.omittedDiagnostics) = (path, sims, diagnostics, omittedDiagnostics)
    }
}

/// Decodes a stream of libyaml events straight into SIM values, keeping every location.
///
/// Decoding never stops at the first problem: a bad value is reported and skipped,
/// and only a YAML syntax error ends the file, since libyaml cannot go on after it.
struct ManifestDecoder {
    let path: String
    let parser: YAMLEventParser
    var diagnostics = Diagnostics()
    var sims: [DesiredSIM] = []
    /// Without it, each SIM is checked as ever but only where it was declared is kept
    /// (`declarations`): validate's million SIMs need no labels merged or SIMs built.
    let keepsSIMs: Bool
    var declarations: [Declared] = []
    /// Entry labels -> labels merged over the current document's defaults.
    var mergedLabelSets: [[String: String]: [String: String]] = [:]
    /// The keys of the text-keyed mappings open now, for their duplicate checks.
    var seenKeys: [String] = []
    /// The key whose value `forEachKey` is handing to its body.
    var keyPosition: Position?

    /// How deep `expect:` values may nest; the format needs two levels.
    static let maxExpectDepth = 4

    static func decode(path: String, bytes: some Collection<UInt8>) -> ManifestFile {
        decode(path: path, parser: YAMLEventParser(bytes: bytes))
    }

    static func decode(contentsOf path: String, limit: Int, keepingSIMs: Bool = true) -> ManifestFile {
        do {
            return decode(path: path, parser: try YAMLEventParser(contentsOf: path, limit: limit), keepingSIMs: keepingSIMs)
        } catch {
            return ManifestFile(path: path, sims: [], diagnostics: [.error(.fileRead, at: SourceLocation(path: path), error.message)])
        }
    }

    static func decode(path: String, parser: YAMLEventParser, keepingSIMs: Bool = true) -> ManifestFile {
        var decoder = ManifestDecoder(path: path, parser: parser, keepsSIMs: keepingSIMs)
        do {
            try decoder.decodeStream()
        } catch {
            decoder.diagnostics.append(error.diagnostic(path: path))
        }
        var file = ManifestFile(path: path, sims: decoder.sims, diagnostics: decoder.diagnostics.kept,
                                omittedDiagnostics: decoder.diagnostics.omitted)
        if !keepingSIMs { file.declarations = decoder.declarations }
        return file
    }

    init(path: String, parser: YAMLEventParser, keepsSIMs: Bool = true) {
        self.path = path
        self.parser = parser
        self.keepsSIMs = keepsSIMs
    }

    // MARK: Structure

    mutating func decodeStream() throws(YAMLSyntaxError) {
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

    mutating func decodeDocument(root: YAMLEvent) throws(YAMLSyntaxError) {
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
    mutating func forEachKey(
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
    struct EntryDraft {
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

    mutating func decodeEntry(_ start: YAMLEvent, fields: [ManifestSchema.Field], context: String) throws(YAMLSyntaxError) -> EntryDraft? {
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
    mutating func resolve(_ entry: EntryDraft, defaults: EntryDraft?) {
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
        guard keepsSIMs else {
            let at = entry.location
            return declarations.append(Declared(icc: ICC(unchecked: text), file: 0, line: at.line, column: at.column))
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
    mutating func mergedLabels(_ own: [String: String]?, over defaults: [String: String]?) -> [String: String] {
        guard let own, !own.isEmpty else { return defaults ?? [:] }
        if let shared = mergedLabelSets[own] { return shared }
        var merged = defaults ?? [:]
        merged.merge(own) { _, own in own }
        if mergedLabelSets.count < 1024 { mergedLabelSets[own] = merged }
        return merged
    }

    static let stateList = SIMState.allCases.map(\.rawValue).joined(separator: ", ")
}
