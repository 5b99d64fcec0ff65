/// A JSON value read without a schema, so unknown fields and types never break a read.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text; nil if it is not valid JSON or nests deeper than 64 levels.
    public init?(parsing bytes: some Collection<UInt8>) {
        let parsed: JSONValue? = withContiguousBytes(bytes) { buffer in
            var parser = JSONParser(bytes: buffer)
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipSpace()
            return parser.index == buffer.count ? value : nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The text of one top-level key of a JSON object, checking the whole text is valid
    /// JSON but building nothing else: the fast path for reading a status word.
    /// `.some(nil)` means valid JSON without that key as text; nil means not valid JSON.
    public static func topLevelText(_ key: String, in bytes: some Collection<UInt8>) -> String?? {
        return withContiguousBytes(bytes) { buffer -> String?? in
            var parser = JSONParser(bytes: buffer)
            parser.skipSpace()
            guard parser.index < buffer.count, buffer[parser.index] == UInt8(ascii: "{") else {
                return parser.skip(depth: 0) && parser.atEnd ? .some(nil) : nil
            }
            parser.index += 1
            var found: String?
            parser.skipSpace()
            if parser.index < buffer.count, buffer[parser.index] == UInt8(ascii: "}") {
                parser.index += 1
                return parser.atEnd ? .some(nil) : nil
            }
            while true {
                parser.skipSpace()
                guard let name = parser.string() else { return nil }
                parser.skipSpace()
                guard parser.index < buffer.count, buffer[parser.index] == UInt8(ascii: ":") else { return nil }
                parser.index += 1
                if name == key {
                    guard let value = parser.value(depth: 1) else { return nil }
                    found = value.text
                } else {
                    guard parser.skip(depth: 1) else { return nil }
                }
                parser.skipSpace()
                guard parser.index < buffer.count else { return nil }
                if buffer[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
                guard buffer[parser.index] == UInt8(ascii: "}") else { return nil }
                parser.index += 1
                return parser.atEnd ? .some(found) : nil
            }
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let map) = self { return map[key] }
        return nil
    }

    /// A scalar as text, the way a manifest writes it: 12, true, DK.
    public var text: String? {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}

extension ExpectedValue {
    /// Whether `actual` satisfies this expectation: text equals the value as text, a list
    /// is contained item by item, a mapping is a subset.
    public func isSatisfied(by actual: JSONValue?) -> Bool {
        guard let actual else { return false }
        switch self {
        case .text(let expected):
            return actual.text == expected
        case .list(let items):
            guard case .array(let values) = actual else { return false }
            return items.allSatisfy { item in values.contains { item.isSatisfied(by: $0) } }
        case .mapping(let map):
            return map.allSatisfy { key, value in value.isSatisfied(by: actual[key]) }
        }
    }
}

/// Runs `body` on the bytes in place when they are contiguous (a ByteBuffer's are), else on a copy.
private func withContiguousBytes<C: Collection<UInt8>, R>(_ bytes: C, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = bytes.withContiguousStorageIfAvailable(body) { return result }
    return Array(bytes).withUnsafeBufferPointer(body)
}

/// A small strict JSON parser (RFC 8259) for responses read on a hot path.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.count
        }
    }

    /// Steps over one value, checking it, without building its objects and arrays.
    mutating func skip(depth: Int) -> Bool { value(depth: depth, keep: false) != nil }

    /// The items of an object or array whose opening bracket was just read, up to and
    /// including `close`; `item` reads one and says whether it was valid.
    mutating func eachItem(until close: UInt8, _ item: (inout JSONParser) -> Bool) -> Bool {
        skipSpace()
        if index < bytes.count, bytes[index] == close { index += 1; return true }
        while true {
            guard item(&self) else { return false }
            skipSpace()
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == close { index += 1; return true }
            return false
        }
    }

    /// An object member's key and its colon.
    mutating func memberKey() -> String? {
        skipSpace()
        guard let key = string() else { return nil }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        return key
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    /// One value; with `keep` false it is only checked, objects and arrays are not built,
    /// and `.null` stands for any valid value.
    mutating func value(depth: Int, keep: Bool = true) -> JSONValue? {
        guard depth < 64 else { return nil }
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var map: [String: JSONValue] = [:]
            let read = eachItem(until: UInt8(ascii: "}")) { parser in
                guard let key = parser.memberKey(), let item = parser.value(depth: depth + 1, keep: keep) else { return false }
                if keep { map[key] = item }
                return true
            }
            return read ? (keep ? .object(map) : .null) : nil
        case UInt8(ascii: "["):
            index += 1
            var items: [JSONValue] = []
            let read = eachItem(until: UInt8(ascii: "]")) { parser in
                guard let item = parser.value(depth: depth + 1, keep: keep) else { return false }
                if keep { items.append(item) }
                return true
            }
            return read ? (keep ? .array(items) : .null) : nil
        case UInt8(ascii: "\""):
            return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    mutating func literal(_ word: StaticString, _ result: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return nil }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += count
        return result
    }

    mutating func number() -> JSONValue? {
        let start = index
        func digits() -> Bool {
            let first = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index > first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() else { return nil }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    mutating func string() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(validating: out, as: UTF8.self)
            }
            guard byte >= 0x20 else { return nil }
            if byte != UInt8(ascii: "\\") { out.append(byte); index += 1; continue }
            index += 1
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
                    index += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
