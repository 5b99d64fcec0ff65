/// Text from a server's answers (NexCon's error bodies, messages, status words, job ids,
/// facts; GitHub's error messages), made safe to store, print and journal: the credential
/// redacted wherever the server repeats it, control characters removed, and cut to
/// `limit` characters.
public struct ResponseText: Sendable {
    public static let limit = 200
    public static let redaction = "[redacted]"
    /// The key, and its JSON-escaped spelling where that differs.
    private let secrets: [String]

    public init(key: String) {
        var secrets = [key]
        let escaped = key.replacing("\\", with: "\\\\").replacing("/", with: "\\/")
            .replacing("\"", with: "\\\"")
        if escaped != key { secrets.append(escaped) }
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    public func clean(_ text: some StringProtocol) -> String {
        // The common case, a short status word, costs one pass over its bytes.
        let utf8 = text.utf8
        if utf8.count <= Self.limit, utf8.count < (secrets.first?.utf8.count ?? 0), utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(text)
        }
        // Controls go first, so a key split by one is still found whole.
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars where !ControlCharacters.contains(scalar) {
            scalars.append(scalar)
            count += 1
            // Enough to redact a key that starts just inside the limit.
            if count >= Self.limit * 2 + (secrets.first?.count ?? 0) * 2 { break }
        }
        var cleaned = String(scalars)
        for secret in secrets where cleaned.contains(secret) {
            cleaned = cleaned.replacing(secret, with: Self.redaction)
        }
        if cleaned.unicodeScalars.count > Self.limit {
            cleaned = String(String.UnicodeScalarView(cleaned.unicodeScalars.prefix(Self.limit))) + "…"
        }
        return cleaned
    }

    /// Every string in an answer, keys included, cleaned.
    public func clean(_ json: JSONValue) -> JSONValue {
        switch json {
        case .string(let text): .string(clean(text))
        case .number(let text): .number(clean(text))
        case .bool, .null: json
        case .array(let items): .array(items.map(clean))
        case .object(let map): .object(Dictionary(map.map { (clean($0.key), clean($0.value)) }, uniquingKeysWith: { first, _ in first }))
        }
    }
}
