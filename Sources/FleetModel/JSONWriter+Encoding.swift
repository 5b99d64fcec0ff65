/// Writes an `Encodable` value through `JSONWriter`, so one Codable description of a
/// document serves both reading (JSONDecoder) and writing, with JSONWriter's bytes:
/// compact, keys in the order `encode(to:)` writes them (declaration order for
/// synthesized conformances), nil written as null, and `[String: String]` with its keys
/// sorted. Other dictionaries are refused, as their order would not be deterministic.
extension JSONWriter {
    public mutating func value<Value: Encodable>(encoding value: Value) throws(JSONWriterEncodingError) {
        let sink = StreamingSink(writer: self)
        defer { self = sink.writer }
        do {
            try sink.write(value, codingPath: [])
        } catch let error as JSONWriterEncodingError {
            throw error
        } catch {
            throw JSONWriterEncodingError(path: "", problem: "\(error)")
        }
    }
}

public struct JSONWriterEncodingError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "cannot write '\(path)' as JSON: \(problem)" }
}

/// The writer and the stack of containers open in it; one per `value(encoding:)` call.
private final class StreamingSink {
    var writer: JSONWriter
    /// Closing bytes of the open containers, innermost last.
    var closers: [UInt8] = []

    init(writer: JSONWriter) { self.writer = writer }

    func write<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws {
        switch value {
        case let text as String: writer.value(text)
        case let number as Int: writer.value(number)
        case let number as Int64: writer.value(numberText: String(number))
        case let flag as Bool: writer.value(flag)
        case let number as Double: writer.value(number)
        case let map as [String: String]:
            writer.objectStart()
            for (key, text) in map.sorted(by: { $0.key < $1.key }) { writer.field(key, text) }
            writer.objectEnd()
        default:
            let depth = closers.count
            try value.encode(to: StreamingEncoder(sink: self, depth: depth, codingPath: codingPath))
            guard closers.count > depth else {
                throw JSONWriterEncodingError(path: Self.describe(codingPath), problem: "\(Value.self) wrote no value")
            }
            while closers.count > depth { close() }
        }
    }

    /// Opens an object or array for the value at `depth`, unless it has one already.
    func open(_ opener: UInt8, closer: UInt8, depth: Int, codingPath: [any CodingKey]) {
        precondition(closers.count >= depth, "JSONWriter's encoder: a container was used after its value ended")
        while closers.count > depth + 1 { close() }
        guard closers.count == depth else { return }
        if opener == UInt8(ascii: "{") { writer.objectStart() } else { writer.arrayStart() }
        closers.append(closer)
    }

    func close() {
        switch closers.removeLast() {
        case UInt8(ascii: "}"): writer.objectEnd()
        case UInt8(ascii: "]"): writer.arrayEnd()
        default: break  // a single value, already written
        }
    }

    func refuseDictionary(_ type: Any.Type, codingPath: [any CodingKey]) throws {
        let name = "\(type)"
        if type != [String: String].self, name.hasPrefix("Dictionary<") {
            throw JSONWriterEncodingError(path: Self.describe(codingPath), problem: "\(name) has no deterministic order; use [String: String]")
        }
    }

    static func describe(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

private struct StreamingEncoder: Encoder {
    let sink: StreamingSink
    let depth: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        sink.open(UInt8(ascii: "{"), closer: UInt8(ascii: "}"), depth: depth, codingPath: codingPath)
        return KeyedEncodingContainer(KeyedContainer<Key>(sink: sink, depth: depth, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        sink.open(UInt8(ascii: "["), closer: UInt8(ascii: "]"), depth: depth, codingPath: codingPath)
        return UnkeyedContainer(sink: sink, depth: depth, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(sink: sink, depth: depth, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: StreamingSink
    let depth: Int
    let codingPath: [any CodingKey]

    private func key(_ key: Key) {
        sink.open(UInt8(ascii: "{"), closer: UInt8(ascii: "}"), depth: depth, codingPath: codingPath)
        sink.writer.key(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { self.key(key); sink.writer.valueNull() }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try sink.refuseDictionary(T.self, codingPath: codingPath + [key])
        self.key(key)
        try sink.write(value, codingPath: codingPath + [key])
    }

    // Synthesized conformances skip nil through these; this writer spells it null.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeIfPresent(value as Bool?, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeIfPresent(value as String?, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeIfPresent(value as Double?, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeIfPresent(value as Float?, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeIfPresent(value as Int?, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeIfPresent(value as Int8?, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeIfPresent(value as Int16?, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeIfPresent(value as Int32?, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeIfPresent(value as Int64?, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeIfPresent(value as UInt?, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeIfPresent(value as UInt8?, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeIfPresent(value as UInt16?, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeIfPresent(value as UInt32?, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeIfPresent(value as UInt64?, key) }
    private mutating func encodeIfPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        self.key(key)
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.key(key)
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { StreamingEncoder(sink: sink, depth: depth, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.key(key)
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let sink: StreamingSink
    let depth: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(sink: StreamingSink, depth: Int, codingPath: [any CodingKey]) {
        self.sink = sink
        self.depth = depth
        self.codingPath = codingPath
    }

    private mutating func element() -> [any CodingKey] {
        sink.open(UInt8(ascii: "["), closer: UInt8(ascii: "]"), depth: depth, codingPath: codingPath)
        count += 1
        return codingPath + [IndexKey(count)]
    }

    mutating func encodeNil() throws { _ = element(); sink.writer.valueNull() }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = element()
        try sink.refuseDictionary(T.self, codingPath: path)
        try sink.write(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = element()
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = element()
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = element()
        return StreamingEncoder(sink: sink, depth: depth + 1, codingPath: path)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let sink: StreamingSink
    let depth: Int
    let codingPath: [any CodingKey]

    /// A single value stands for the whole value at `depth`: it is written once, and a
    /// value that wrote nothing fails in `write`.
    mutating func encodeNil() throws { sink.writer.valueNull(); mark() }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try sink.refuseDictionary(T.self, codingPath: codingPath)
        try sink.write(value, codingPath: codingPath)
        mark()
    }

    /// Records the value as written with an empty closer, so `write` sees it ended.
    private func mark() {
        sink.closers.append(0)
    }
}
