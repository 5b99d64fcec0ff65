import FleetModel

/// A small YAML document as a tree with a location on every node, for files that are
/// not manifests: simfleet.yaml and simulator seeds. Manifests are decoded straight from
/// events instead, since fleets are large.
///
/// The same rules as manifests apply: anchors, aliases and explicit tags are rejected.
public indirect enum YAMLNode: Sendable {
    case scalar(String, isPlain: Bool, SourceLocation)
    case sequence([YAMLNode], SourceLocation)
    case mapping([(key: String, keyLocation: SourceLocation, value: YAMLNode)], SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let location), .sequence(_, let location), .mapping(_, let location): location
        }
    }

    /// The text of a non-null scalar.
    public var text: String? {
        if case .scalar(let value, let isPlain, _) = self, !(isPlain && Self.isNull(value)) { return value }
        return nil
    }

    public var isNull: Bool {
        if case .scalar(let value, let isPlain, _) = self { return isPlain && Self.isNull(value) }
        return false
    }

    public var kindName: String {
        switch self {
        case .scalar: isNull ? "null" : "text"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }

    public static func isNull(_ value: String) -> Bool {
        value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
    }

    /// Reads every document in `bytes`. Documents that are empty are left out.
    public static func documents(path: String, bytes: some Collection<UInt8>) -> (documents: [YAMLNode], diagnostics: [Diagnostic]) {
        var reader = Reader(path: path, parser: YAMLEventParser(bytes: bytes))
        var documents: [YAMLNode] = []
        do {
            while true {
                let event = try reader.next()
                if event.kind == .streamEnd { break }
                guard event.kind == .documentStart else { continue }
                let node = try reader.node(try reader.next(), depth: 0)
                if let node, !node.isNull { documents.append(node) }
                _ = try reader.next() // documentEnd
            }
        } catch {
            reader.diagnostics.append(error.diagnostic(path: path))
        }
        return (documents, reader.diagnostics.sorted())
    }

    private struct Reader {
        let path: String
        let parser: YAMLEventParser
        var diagnostics: [Diagnostic] = []
        static let maxDepth = 64

        mutating func next() throws(YAMLSyntaxError) -> YAMLEvent {
            let event = try parser.next()
            for problem in YAMLRules.unsupported(event, instead: "write the value out") { report(.yamlUnsupported, event, problem) }
            return event
        }

        mutating func node(_ event: YAMLEvent, depth: Int) throws(YAMLSyntaxError) -> YAMLNode? {
            let location = SourceLocation(path: path, line: event.line, column: event.column)
            if depth > Self.maxDepth, event.kind == .mappingStart || event.kind == .sequenceStart {
                report(.yamlDepth, event, "nesting deeper than \(Self.maxDepth) levels is not supported")
                try YAMLRules.skip(event) { () throws(YAMLSyntaxError) in try next() }
                return nil
            }
            switch event.kind {
            case .scalar:
                return .scalar(event.value, isPlain: event.isPlain, location)
            case .sequenceStart:
                var items: [YAMLNode] = []
                while true {
                    let item = try next()
                    if item.kind == .sequenceEnd { break }
                    if let node = try node(item, depth: depth + 1) { items.append(node) }
                }
                return .sequence(items, location)
            case .mappingStart:
                var pairs: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
                while true {
                    let keyEvent = try next()
                    if keyEvent.kind == .mappingEnd { break }
                    let keyNode = try node(keyEvent, depth: depth + 1)
                    let valueNode = try node(try next(), depth: depth + 1)
                    guard let keyNode, let key = keyNode.text else {
                        if keyNode != nil { report(.keyNotText, keyEvent, "keys must be text") }
                        continue
                    }
                    if let first = pairs.first(where: { $0.key == key }) {
                        report(.keyDuplicate, keyEvent, "key '\(Diagnostic.excerpt(key))' appears twice in this mapping; the first is at line \(first.keyLocation.line), column \(first.keyLocation.column); keep one")
                        continue
                    }
                    if let valueNode { pairs.append((key, keyNode.location, valueNode)) }
                }
                return .mapping(pairs, location)
            default:
                return nil // alias, already reported
            }
        }

        mutating func report(_ code: DiagnosticCode, _ event: YAMLEvent, _ message: String) {
            diagnostics.append(.error(code, at: SourceLocation(path: path, line: event.line, column: event.column), message))
        }
    }
}

extension YAMLNode {
    /// Looks up `key` in a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// Reports keys of a mapping that are not in `known`, with the nearest suggested.
    public func unknownKeys(_ known: [String], context: String) -> [Diagnostic] {
        guard case .mapping(let pairs, _) = self else { return [] }
        return pairs.filter { !known.contains($0.key) }.map { pair in
            .error(.keyUnknown, at: pair.keyLocation, YAMLRules.unknownKeyMessage(pair.key, known: known, context: context))
        }
    }
}
