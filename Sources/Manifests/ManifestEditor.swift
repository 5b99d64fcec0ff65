import FleetModel
import YAML

/// Edits SIM entries in a manifest in place (`simfleet set`): only the bytes of the
/// values it changes, or one inserted line (or `, key: value` in a flow mapping), so
/// comments, order, quoting and layout everywhere else stay as they were. Pure: bytes in,
/// bytes out.
public enum ManifestEditor {
    /// What to write into a SIM's entry.
    public struct Edit: Sendable, Hashable {
        public var state: SIMState
        /// Replaces the entry's own `note:`, or adds one; nil leaves it alone.
        public var note: String?

        public init(state: SIMState, note: String?) {
            self.state = state
            self.note = note
        }
    }

    /// The edited file, and the ICCs whose entries it found (each edited once).
    public struct Result: Sendable {
        public var bytes: [UInt8]
        public var edited: Set<ICC>
    }

    /// Applies `edits` to the SIM entries of `bytes`; ICCs not declared here are left for
    /// other files. A file with YAML errors is an error at its path, and nothing changes.
    public static func apply(_ edits: [ICC: Edit], to bytes: [UInt8], path: String) -> Swift.Result<Result, Diagnostic> {
        var entries: [Entry] = []
        do throws(YAMLSyntaxError) {
            entries = try scan(bytes)
        } catch {
            return .failure(.error(error.code, at: SourceLocation(path: path, line: error.line, column: error.column),
                                   "cannot edit this file: \(error.message); fix it first"))
        }
        let lines = LineIndex(bytes)
        var replacements: [(range: Range<Int>, text: String)] = []
        var edited: Set<ICC> = []
        for entry in entries {
            guard let icc = entry.icc, let edit = edits[icc], edited.insert(icc).inserted else { continue }
            var inserted: [(String, String)] = []
            if let state = entry.state {
                replacements.append((lines.range(of: state), edit.state.rawValue))
            } else {
                inserted.append(("state", edit.state.rawValue))
            }
            if let note = edit.note {
                if let existing = entry.note {
                    let suffix = existing.isBlockScalar ? "\n" : ""
                    replacements.append((lines.range(of: existing), ManifestWriter.quoted(note) + suffix))
                } else {
                    inserted.append(("note", ManifestWriter.quoted(note)))
                }
            }
            guard !inserted.isEmpty else { continue }
            if entry.isFlow {
                // `{icc: "...", name: a}` → `{icc: "...", name: a, state: blocked}`
                let at = lines.offset(line: entry.end.line, column: entry.end.column)
                replacements.append((at..<at, inserted.map { ", \($0.0): \($0.1)" }.joined()))
            } else {
                // A new line after the line that ends the `icc:` value, at the keys' indent.
                let at = lines.startOfLine(after: entry.iccEnd.line)
                let indent = String(repeating: " ", count: max(0, entry.keyColumn - 1))
                let newline = lines.usesCRLF ? "\r\n" : "\n"
                let prefix = at == bytes.count && bytes.last != 0x0A ? newline : ""
                replacements.append((at..<at, prefix + inserted.map { "\(indent)\($0.0): \($0.1)\(newline)" }.joined()))
            }
        }
        // One pass over the file, so thousands of edits cost what one does.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + replacements.reduce(0) { $0 + $1.text.utf8.count })
        var position = 0
        for replacement in replacements.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            out += bytes[position..<replacement.range.lowerBound]
            out += replacement.text.utf8
            position = replacement.range.upperBound
        }
        out += bytes[position...]
        return .success(Result(bytes: out, edited: edited))
    }

    /// A position as libyaml gives it: 1-based line, 1-based column in characters.
    struct Position {
        var line: Int
        var column: Int
    }

    /// A scalar value's extent.
    struct Span {
        var start: Position
        var end: Position
        var isBlockScalar: Bool
    }

    /// One SIM entry of `sims:`.
    struct Entry {
        var icc: ICC?
        var iccEnd = Position(line: 0, column: 0)
        var keyColumn = 1
        var state: Span?
        var note: Span?
        var isFlow: Bool
        var end = Position(line: 0, column: 0)
    }

    /// Every entry under `sims:` in every document, with where its keys' values are.
    static func scan(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [Entry] {
        let parser = YAMLEventParser(bytes: bytes)
        parser.keepsExtents = true
        var entries: [Entry] = []
        var event = try parser.next()
        while event.kind != .streamEnd {
            guard event.kind == .mappingStart else { event = try parser.next(); continue }
            // A document's root mapping: look for `sims:`.
            while true {
                let key = try parser.next()
                if key.kind == .mappingEnd { break }
                let value = try parser.next()
                guard key.kind == .scalar, key.value == "sims", value.kind == .sequenceStart else {
                    try YAMLRules.skip(value, next: parser.next)
                    continue
                }
                while true {
                    let item = try parser.next()
                    if item.kind == .sequenceEnd { break }
                    guard item.kind == .mappingStart else { try YAMLRules.skip(item, next: parser.next); continue }
                    entries.append(try entry(item, parser))
                }
            }
            event = try parser.next()
        }
        return entries
    }

    private static func entry(_ start: YAMLEvent, _ parser: YAMLEventParser) throws(YAMLSyntaxError) -> Entry {
        var entry = Entry(isFlow: start.isFlow)
        var first = true
        while true {
            let key = try parser.next()
            if key.kind == .mappingEnd {
                entry.end = Position(line: key.line, column: key.column)
                return entry
            }
            if first { entry.keyColumn = key.column; first = false }
            let value = try parser.next()
            guard key.kind == .scalar, value.kind == .scalar else {
                try YAMLRules.skip(value, next: parser.next)
                continue
            }
            let span = Span(start: Position(line: value.line, column: value.column),
                            end: Position(line: value.endLine, column: value.endColumn), isBlockScalar: value.isBlockScalar)
            switch key.value {
            case "icc":
                entry.icc = ICC.validate(value.value) == nil ? ICC(unchecked: value.value) : nil
                entry.iccEnd = span.end
            case "state": entry.state = span
            case "note": entry.note = span
            default: break
            }
        }
    }

    /// Byte offsets of lines and columns (in Unicode scalars, as libyaml counts them).
    struct LineIndex {
        let bytes: [UInt8]
        /// Offset where each line starts; line 1 at index 0.
        var starts: [Int] = [0]
        var usesCRLF = false

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var index = 0
            while index < bytes.count {
                let length = YAMLLines.breakLength(at: index, in: bytes)
                if length > 0 {
                    if length == 2 && bytes[index] == 0x0D { usesCRLF = true }
                    index += length
                    starts.append(index)
                } else {
                    index += 1
                }
            }
        }

        func offset(line: Int, column: Int) -> Int {
            guard line >= 1, line <= starts.count else { return bytes.count }
            var index = starts[line - 1]
            var remaining = column - 1
            while remaining > 0 && index < bytes.count {
                // Step over one UTF-8 encoded scalar.
                index += 1
                while index < bytes.count && bytes[index] & 0xC0 == 0x80 { index += 1 }
                remaining -= 1
            }
            return min(index, bytes.count)
        }

        func range(of span: Span) -> Range<Int> {
            offset(line: span.start.line, column: span.start.column)..<offset(line: span.end.line, column: span.end.column)
        }

        func startOfLine(after line: Int) -> Int {
            line < starts.count ? starts[line] : bytes.count
        }
    }
}
