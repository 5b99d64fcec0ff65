import FleetModel
import Foundation

/// Writes a manifest for SIMs simfleet adopts (`simfleet import`), in the format the
/// decoder reads. Text from outside (names, product names) is quoted or cleaned so it
/// cannot change the YAML's structure.
public enum ManifestWriter {
    public struct Entry: Sendable, Hashable {
        public var icc: ICC
        public var name: String?
        public var state: SIMState
        /// Shown as a comment after the state, for people.
        public var comment: String?

        public init(icc: ICC, name: String?, state: SIMState, comment: String?) {
            self.icc = icc
            self.name = name
            self.state = state
            self.comment = comment
        }
    }

    /// A whole manifest: a header comment, `version: 1` and one entry per SIM, in order.
    public static func manifest(_ entries: [Entry], header: [String]) -> String {
        var out = header.map { "# " + commentText($0, limit: 200) + "\n" }.joined()
        out += "version: 1\nsims:\n"
        for entry in entries {
            out += "  - icc: \"\(entry.icc)\"\n"
            if let name = entry.name { out += "    name: \(quoted(name))\n" }
            out += "    state: \(entry.state.rawValue)"
            if let comment = entry.comment, !commentText(comment).isEmpty { out += "  # " + commentText(comment) }
            out += "\n"
        }
        return out
    }

    /// A YAML double-quoted scalar: backslash, quote and every control or line-breaking
    /// character escaped, so the value reads back exactly.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || [0x2028, 0x2029, 0xFEFF].contains(scalar.value):
                out += "\\u" + String(repeatElement("0", count: 4 - String(scalar.value, radix: 16).count)) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One line of comment: line breaks and other control characters become spaces, and
    /// it is cut to `limit` characters.
    static func commentText(_ text: String, limit: Int = 80) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0x2028, 0x2029, 0x85, 0xFEFF].contains(scalar.value)
            out.unicodeScalars.append(isControl ? " " : scalar)
        }
        let trimmed = out.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit - 1)) + "…" : trimmed
    }
}
