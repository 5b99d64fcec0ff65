/// Writes JSON text straight into a byte buffer.
///
/// Output is compact and keys come in the order they are written, so the same
/// values always give the same bytes. Used for every machine-readable output,
/// where JSONEncoder's per-value cost shows on fleets of 100,000 SIMs.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false
    /// The last path written and its quoted form: a fleet's SIMs come file by file, so
    /// the same path is written thousands of times in a row.
    private var lastPath: (text: String, quoted: [UInt8])?

    public init(reservingCapacity capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func objectStart() { separator(); bytes.append(UInt8(ascii: "{")); needsComma = false }
    public mutating func objectEnd() { bytes.append(UInt8(ascii: "}")); needsComma = true }
    public mutating func arrayStart() { separator(); bytes.append(UInt8(ascii: "[")); needsComma = false }
    public mutating func arrayEnd() { bytes.append(UInt8(ascii: "]")); needsComma = true }

    public mutating func key(_ key: String) {
        separator()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func value(_ text: String) { separator(); appendQuoted(text); needsComma = true }
    public mutating func value(_ number: Int) { separator(); appendDecimal(number); needsComma = true }
    /// A number as JSON text already spelled it (a `JSONValue.number` read back), unchanged.
    public mutating func value(numberText text: String) { separator(); bytes.append(contentsOf: text.utf8); needsComma = true }
    public mutating func value(_ flag: Bool) { separator(); bytes.append(contentsOf: (flag ? "true" : "false").utf8); needsComma = true }
    public mutating func valueNull() { separator(); bytes.append(contentsOf: "null".utf8); needsComma = true }
    public mutating func value(_ text: String?) { if let text { value(text) } else { valueNull() } }

    /// Writes `key: value`, omitting nothing: nil becomes null.
    public mutating func field(_ name: String, _ text: String?) { key(name); value(text) }
    public mutating func field(_ name: String, _ number: Int) { key(name); value(number) }
    public mutating func field(_ name: String, _ flag: Bool) { key(name); value(flag) }
    /// A finite number as Swift prints it (it reads back exactly); null otherwise.
    public mutating func field(_ name: String, _ number: Double) { key(name); value(number) }
    public mutating func value(_ number: Double) {
        if number.isFinite { separator(); bytes.append(contentsOf: number.description.utf8); needsComma = true } else { valueNull() }
    }

    /// A map with its keys sorted, for deterministic output.
    public mutating func field(_ name: String, sorted map: [String: String]) {
        key(name)
        objectStart()
        if map.count == 1, let (mapKey, mapValue) = map.first {
            field(mapKey, mapValue)
        } else {
            for (mapKey, mapValue) in map.sorted(by: { $0.key < $1.key }) { field(mapKey, mapValue) }
        }
        objectEnd()
    }

    public mutating func value(_ icc: ICC) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        icc.appendDigits(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    public mutating func field(_ name: String, _ icc: ICC?) { key(name); if let icc { value(icc) } else { valueNull() } }
    public mutating func field(_ name: String, _ location: SourceLocation?) { key(name); if let location { value(location) } else { valueNull() } }

    /// `"name": {...}`, `body` writing its fields.
    public mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        object(body)
    }

    /// `{...}`, `body` writing its fields.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        objectStart()
        body(&self)
        objectEnd()
    }

    /// `"name": [...]`, `body` writing each item.
    public mutating func array<Items: Sequence>(_ name: String, _ items: Items, _ body: (inout JSONWriter, Items.Element) -> Void) {
        key(name)
        arrayStart()
        for item in items { body(&self, item) }
        arrayEnd()
    }

    private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendDecimal(_ number: Int) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let clean = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if clean != true { appendEscaped(text) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }
}

extension JSONWriter {
    public mutating func value(_ expected: ExpectedValue) {
        switch expected {
        case .text(let text): value(text)
        case .list(let items):
            arrayStart()
            for item in items { value(item) }
            arrayEnd()
        case .mapping(let map):
            objectStart()
            for (mapKey, mapValue) in map.sorted(by: { $0.key < $1.key }) {
                key(mapKey)
                value(mapValue)
            }
            objectEnd()
        }
    }

    public mutating func value(_ location: SourceLocation) {
        objectStart()
        key("path")
        if let lastPath, lastPath.text == location.path {
            bytes.append(contentsOf: lastPath.quoted)
            needsComma = true
        } else {
            let start = bytes.count
            value(location.path)
            lastPath = (location.path, Array(bytes[start...]))
        }
        if location.line > 0 {
            field("line", location.line)
            field("column", location.column)
        }
        objectEnd()
    }
}

extension JSONWriter {
    /// `value` indented by two spaces a level, keys sorted, `"key" : value` (the layout of
    /// a file people read and diff, such as the manifest schema).
    public static func pretty(_ value: JSONValue) -> String {
        var lines = ""
        func quoted(_ text: String) -> String {
            var writer = JSONWriter(reservingCapacity: text.utf8.count + 2)
            writer.value(text)
            return writer.string
        }
        func write(_ value: JSONValue, indent: String) {
            switch value {
            case .string(let text): lines += quoted(text)
            case .number(let text): lines += text
            case .bool(let flag): lines += flag ? "true" : "false"
            case .null: lines += "null"
            case .array(let items) where items.isEmpty: lines += "[]"
            case .object(let fields) where fields.isEmpty: lines += "{}"
            case .array(let items):
                lines += "[\n"
                for (index, item) in items.enumerated() {
                    lines += indent + "  "
                    write(item, indent: indent + "  ")
                    lines += index + 1 < items.count ? ",\n" : "\n"
                }
                lines += indent + "]"
            case .object(let fields):
                lines += "{\n"
                let keys = fields.keys.sorted()
                for (index, key) in keys.enumerated() {
                    lines += indent + "  " + quoted(key) + " : "
                    write(fields[key]!, indent: indent + "  ")
                    lines += index + 1 < keys.count ? ",\n" : "\n"
                }
                lines += indent + "}"
            }
        }
        write(value, indent: "")
        return lines
    }
}

extension JSONWriter {
    /// Any JSON value, as read; an object's keys sorted.
    public mutating func value(_ json: JSONValue) {
        switch json {
        case .string(let text): value(text)
        case .number(let text): value(numberText: text)
        case .bool(let flag): value(flag)
        case .null: valueNull()
        case .array(let items):
            arrayStart()
            for item in items { value(item) }
            arrayEnd()
        case .object(let fields):
            object { w in
                for (key, item) in fields.sorted(by: { $0.key < $1.key }) {
                    w.key(key)
                    w.value(item)
                }
            }
        }
    }
}
