import CYAML
import FleetModel
import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libyaml parsing event, copied out of C memory.
public struct YAMLEvent {
    public enum Kind: Equatable {
        case streamStart, streamEnd, documentStart, documentEnd
        case mappingStart, mappingEnd, sequenceStart, sequenceEnd
        case scalar, alias
    }

    public var kind: Kind
    /// 1-based position where the event starts.
    public var line: Int
    public var column: Int
    /// A scalar's text, exactly as written after YAML unquoting; an alias's name.
    public var value: String = ""
    /// True for an unquoted scalar, whose text may mean null or a boolean.
    public var isPlain: Bool = false
    public var anchor: String?
    /// Only explicit tags (`!!str`, `!custom`): libyaml reports no tag for untagged nodes.
    public var tag: String?
    /// 1-based position just past the event's text (for editing in place).
    public var endLine = 0
    public var endColumn = 0
    /// A `{...}` mapping or `[...]` sequence.
    public var isFlow = false
    /// A `|` or `>` scalar, whose text runs over the following lines.
    public var isBlockScalar = false

    public var isNull: Bool {
        guard kind == .scalar && isPlain && value.utf8.count <= 4 else { return false }
        return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
    }

    public var kindName: String {
        switch kind {
        case .mappingStart: "a mapping"
        case .sequenceStart: "a sequence"
        case .scalar: isNull ? "null" : "text"
        case .alias: "an alias"
        default: "nothing"
        }
    }
}

/// A syntax or encoding error reported by libyaml, with its 1-based position.
public struct YAMLSyntaxError: Error {
    public var line: Int
    public var column: Int
    public var message: String
    public var code: DiagnosticCode = .yamlSyntax

    public func diagnostic(path: String) -> Diagnostic {
        .error(code, at: SourceLocation(path: path, line: line, column: column), message)
    }
}

/// A file that could not be read, with the system's reason.
/// Why a manifest file was not read; shown as an error at its path.
public struct FileReadError: Error {
    public var message: String

    public init(errno code: Int32) {
        message = "cannot read this file (\(String(cString: strerror(code)))); check that it exists and is readable"
    }

    public init(message: String) { self.message = message }

    public static func tooLarge(_ size: Int, limit: Int) -> FileReadError {
        FileReadError(message: "this file is \(size) bytes, more than the \(limit / (1 << 20)) MiB simfleet reads (--max-manifest-size); split it, or raise the limit")
    }
}

/// The only place that calls libyaml: a pull parser over one in-memory document stream.
///
/// Input is read as UTF-8 only; anything else is reported as an encoding error.
public final class YAMLEventParser {
    // Behind a pointer: libyaml keeps pointers into it, and Swift must not check
    // exclusive access on every event.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// Bytes of `input` in use; the buffer may be larger.
    private let count: Int
    /// Characters in the input, counted on first need: libyaml's mark indexes count
    /// characters, and one at the end of input may sit on a line past it.
    private var characterCount: Int?
    /// Where the input ends, as a line and column; found on first need.
    private var end: (Int, Int)?
    /// Mappings and sequences open now. libyaml's scanner slows quadratically with depth,
    /// so reading stops at `maximumDepth` instead of crawling through a hostile file.
    /// Unchecked: one parser is used by one thread, and a check on every event costs a
    /// few percent of validate.
    @exclusivity(unchecked) private var depth = 0
    public static let maximumDepth = 64
    /// Whether events carry where they end: only editing needs it.
    @exclusivity(unchecked) public var keepsExtents = false

    /// Parses `input`, which the parser owns and frees.
    public init(owning input: UnsafeMutableBufferPointer<UInt8>, count: Int) {
        self.input = input
        self.count = count
        parser = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, count)
    }

    public convenience init(bytes: some Collection<UInt8>) {
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        self.init(owning: input, count: bytes.count)
    }

    /// Reads a whole regular file of at most `limit` bytes through the one reader
    /// (`RegularFile`: never blocks on a FIFO, never reads a device).
    public convenience init(contentsOf path: String, limit: Int) throws(FileReadError) {
        switch RegularFile.readOwned(path, limit: limit) {
        case .success(let read): self.init(owning: read.buffer, count: read.count)
        case .failure(.missing): throw FileReadError(errno: ENOENT)
        case .failure(.cannotOpen(let reason)), .failure(.cannotRead(let reason)):
            throw FileReadError(message: "cannot read this file (\(reason)); check that it exists and is readable")
        case .failure(.notRegular(let kind)):
            throw FileReadError(message: "this is \(kind), not a regular file; simfleet reads only regular files (after following links)")
        case .failure(.tooLarge(let size, let limit)): throw .tooLarge(size, limit: limit)
        }
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    public func next() throws(YAMLSyntaxError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw syntaxError() }
        defer { yaml_event_delete(&event) }
        var line = Int(event.start_mark.line) + 1
        var column = Int(event.start_mark.column) + 1
        if isAtEnd(event.start_mark) { (line, column) = endOfInput() }
        switch event.type {
        case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
            depth += 1
            if depth > Self.maximumDepth {
                throw YAMLSyntaxError(line: line, column: column, message: "nesting deeper than \(Self.maximumDepth) levels; simfleet stops reading this file here (a manifest needs four)",
                                      code: .yamlDepth)
            }
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            depth -= 1
        default:
            break
        }
        var result = make(event, line: line, column: column)
        if keepsExtents {
            result.endLine = Int(event.end_mark.line) + 1
            result.endColumn = Int(event.end_mark.column) + 1
        }
        return result
    }

    private func make(_ event: yaml_event_t, line: Int, column: Int) -> YAMLEvent {
        switch event.type {
        case YAML_STREAM_START_EVENT: return YAMLEvent(kind: .streamStart, line: line, column: column)
        case YAML_STREAM_END_EVENT: return YAMLEvent(kind: .streamEnd, line: line, column: column)
        case YAML_DOCUMENT_START_EVENT: return YAMLEvent(kind: .documentStart, line: line, column: column)
        case YAML_DOCUMENT_END_EVENT: return YAMLEvent(kind: .documentEnd, line: line, column: column)
        case YAML_MAPPING_END_EVENT: return YAMLEvent(kind: .mappingEnd, line: line, column: column)
        case YAML_SEQUENCE_END_EVENT: return YAMLEvent(kind: .sequenceEnd, line: line, column: column)
        case YAML_ALIAS_EVENT:
            return YAMLEvent(kind: .alias, line: line, column: column, value: Self.string(event.data.alias.anchor))
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return YAMLEvent(kind: .mappingStart, line: line, column: column,
                             anchor: Self.optionalString(data.anchor), tag: Self.optionalString(data.tag),
                             isFlow: data.style == YAML_FLOW_MAPPING_STYLE)
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return YAMLEvent(kind: .sequenceStart, line: line, column: column,
                             anchor: Self.optionalString(data.anchor), tag: Self.optionalString(data.tag))
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = data.value.map {
                String(decoding: UnsafeBufferPointer(start: $0, count: data.length), as: UTF8.self)
            } ?? ""
            return YAMLEvent(kind: .scalar, line: line, column: column, value: value,
                             isPlain: data.style == YAML_PLAIN_SCALAR_STYLE,
                             anchor: Self.optionalString(data.anchor), tag: Self.optionalString(data.tag),
                             isBlockScalar: data.style == YAML_LITERAL_SCALAR_STYLE || data.style == YAML_FOLDED_SCALAR_STYLE)
        default:
            return YAMLEvent(kind: .streamEnd, line: line, column: column)
        }
    }

    private func syntaxError() -> YAMLSyntaxError {
        let parser = self.parser.pointee
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if parser.error == YAML_READER_ERROR {
            let offset = characterStart(before: parser.problem_offset, problem: problem)
            let (line, column) = position(ofByte: offset)
            return YAMLSyntaxError(line: line, column: column,
                                   message: "the file is not valid UTF-8 (\(problem) at byte \(offset)); save it as UTF-8", code: .yamlEncoding)
        }
        if parser.error == YAML_MEMORY_ERROR {
            return YAMLSyntaxError(line: 1, column: 1, message: "out of memory while reading YAML")
        }
        var message = "YAML syntax error: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " \(context) at line \(parser.context_mark.line + 1), column \(parser.context_mark.column + 1)"
        }
        var (line, column) = (Int(parser.problem_mark.line) + 1, Int(parser.problem_mark.column) + 1)
        if isAtEnd(parser.problem_mark) { (line, column) = endOfInput() }
        return YAMLSyntaxError(line: line, column: column, message: message)
    }

    /// libyaml puts marks at the end of a file without a final line break on the line after
    /// it, where no editor can go; the end of input is the end of the last line.
    private func endOfInput() -> (Int, Int) {
        if let end { return end }
        end = position(ofByte: count)
        return end!
    }

    private func isAtEnd(_ mark: yaml_mark_t) -> Bool {
        // A file that ends with a line break has its end on a line of its own: nothing to
        // correct, and nothing to count. A character takes at most 4 bytes, so a mark before
        // a quarter of the bytes is certainly not at the end either.
        if count > 0 && (input[count - 1] == 0x0A || input[count - 1] == 0x0D) { return false }
        guard mark.index >= count / 4 else { return false }
        if characterCount == nil { characterCount = input.prefix(count).count { $0 & 0xC0 != 0x80 } }
        return mark.index >= characterCount!
    }

    /// libyaml reports a bad trailing octet, or a sequence cut short, at the octet after the
    /// character's first byte; the broken character starts at that lead byte.
    private func characterStart(before offset: Int, problem: String) -> Int {
        guard problem.contains("trailing") || problem.contains("incomplete") else { return offset }
        var start = min(offset, count)
        for _ in 0..<3 where start > 0 {
            start -= 1
            if input[start] & 0xC0 == 0xC0 { return start }
            if input[start] & 0xC0 != 0x80 { break }
        }
        return offset
    }

    /// Line and column of a byte offset, for reader errors, which libyaml reports as an
    /// offset; lines are counted as YAML counts them, like every other position.
    private func position(ofByte offset: Int) -> (Int, Int) {
        YAMLLines.position(after: UnsafeBufferPointer(rebasing: input.prefix(min(offset, count))))
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// The rules both YAML readers (manifests, and `YAMLNode` for settings and seeds) share.
public enum YAMLRules {
    /// Why `event` uses a YAML feature simfleet leaves out on purpose (anchors, aliases,
    /// explicit tags), so no file can make it expand anything; `instead` says what to do.
    public static func unsupported(_ event: YAMLEvent, instead: String) -> [String] {
        var problems: [String] = []
        if let anchor = event.anchor {
            problems.append("anchors (&\(anchor)) are not supported; \(instead)")
        }
        if var tag = event.tag {
            if tag.hasPrefix("tag:yaml.org,2002:") { tag = "!!" + tag.dropFirst("tag:yaml.org,2002:".count) }
            problems.append("explicit tags ('\(Diagnostic.excerpt(tag))') are not supported; remove the tag and quote the value if it must be text")
        }
        if event.kind == .alias {
            problems.append("aliases (*\(event.value)) are not supported; \(instead)")
        }
        return problems
    }

    /// Consumes the rest of the node that `start` opened, without recursion.
    public static func skip(_ start: YAMLEvent, next: () throws(YAMLSyntaxError) -> YAMLEvent) throws(YAMLSyntaxError) {
        guard start.kind == .mappingStart || start.kind == .sequenceStart else { return }
        var depth = 1
        while depth > 0 {
            switch try next().kind {
            case .mappingStart, .sequenceStart: depth += 1
            case .mappingEnd, .sequenceEnd: depth -= 1
            default: break
            }
        }
    }

    /// "unknown key 'stat' in a SIM entry; did you mean 'state'?", or the valid keys.
    public static func unknownKeyMessage(_ key: String, known: [String], context: String) -> String {
        if let suggestion = Suggestion.nearest(to: key, in: known) {
            return "unknown key '\(Diagnostic.excerpt(key))' in \(context); did you mean '\(suggestion)'?"
        }
        return "unknown key '\(Diagnostic.excerpt(key))' in \(context); valid keys are \(known.joined(separator: ", "))"
    }
}

/// Lines as YAML (and libyaml's line numbers) count them: a line ends at LF, CR LF, a lone
/// CR, NEL, LS or PS.
public enum YAMLLines {
    /// The line and column just after `bytes`, found in one pass without allocating.
    public static func position(after bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let length = breakLength(at: index, in: bytes)
            if length > 0 {
                line += 1
                column = 1
                index += length
            } else {
                if bytes[index] & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
        }
        return (line, column)
    }

    /// The bytes of the line break starting at `index`, or 0 where none does.
    public static func breakLength(at index: Int, in bytes: some RandomAccessCollection<UInt8>) -> Int {
        func at(_ offset: Int) -> UInt8? {
            guard index + offset < bytes.count else { return nil }
            return bytes[bytes.index(bytes.startIndex, offsetBy: index + offset)]
        }
        switch at(0) {
        case 0x0A: return 1
        case 0x0D: return at(1) == 0x0A ? 2 : 1
        case 0xC2: return at(1) == 0x85 ? 2 : 0
        case 0xE2: return at(1) == 0x80 && (at(2) == 0xA8 || at(2) == 0xA9) ? 3 : 0
        default: return 0
        }
    }

    /// Each line's bytes, without its break; the text after the last break is a line too.
    public static func split(_ bytes: some Collection<UInt8>) -> [[UInt8]] {
        let bytes = Array(bytes)
        var lines: [[UInt8]] = []
        var start = 0, index = 0
        while index < bytes.count {
            let length = breakLength(at: index, in: bytes)
            if length > 0 {
                lines.append(Array(bytes[start..<index]))
                index += length
                start = index
            } else {
                index += 1
            }
        }
        lines.append(Array(bytes[start...]))
        return lines
    }
}
