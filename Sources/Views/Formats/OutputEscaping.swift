import FleetModel

/// Text from outside simfleet (manifests, NexCon's answers, file names, the environment)
/// made inert for the format it lands in. One helper per format; every renderer uses them.
/// They work on Unicode scalars: `"\r\n"` is one `Character` but two scalars.
public enum TerminalText {
    /// Control characters (C0, DEL, C1) and bidirectional overrides shown as `\u{1B}`,
    /// so outside text can neither move the cursor, clear the screen, plant an OSC 8
    /// link nor reorder what a reader sees.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        return replacing(text) { needsEscape($0) ? visible($0) : nil }
    }

    /// Each scalar, or what `replacement` gives for it, in one pass into one growing
    /// string: linear in the text. (`String.UnicodeScalarView.append(contentsOf:)` copies
    /// the whole view on each call, which made a note of 160,000 line breaks take 17 s.)
    static func replacing(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                out += replaced
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The scalars `special` names replaced as it says; every other control made visible.
    /// The shape of each format's escaper but the terminal's.
    static func replacing(_ text: String, special: KeyValuePairs<Unicode.Scalar, String>) -> String {
        replacing(text) { scalar in
            special.first { $0.key == scalar }?.value ?? (needsEscape(scalar) ? visible(scalar) : nil)
        }
    }

    /// C0, DEL, C1 and bidirectional overrides.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool { ControlCharacters.contains(scalar) }

    /// `\u{1B}`: what a control character looks like once escaped.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}

/// Markdown for pull-request comments and step summaries.
public enum MarkdownText {
    /// Escapes text for a table cell or a list item: no markup, no table break, no line
    /// break, no HTML, no `@mention`, no autolinked URL. The reader sees the text as written.
    public static func escape(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = ""
        out.reserveCapacity(scalars.count + 8)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "#", "|", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            // A zero-width space after `@` stops mentions and e-mail autolinks.
            case "@": out += "@&#8203;"
            // `https://` and `www.` are autolinked; an entity keeps the text and drops the link.
            case ":" where index + 2 < scalars.count && scalars[index + 1] == "/" && scalars[index + 2] == "/":
                out += "&#58;"
            case "." where index >= 3 && String(String.UnicodeScalarView(scalars[(index - 3)..<index])).lowercased() == "www":
                out += "&#46;"
            case "\r":
                // CR LF is one line break, shown as one space.
                if index + 1 < scalars.count && scalars[index + 1] == "\n" { index += 1 }
                out += " "
            case "\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}":
                out += " "
            default:
                if TerminalText.needsEscape(scalar) {
                    out += "\\" + TerminalText.visible(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        return out
    }
}

extension MarkdownText {
    /// `<!-- simfleet:plan -->` or `<!-- simfleet:plan:KEY -->`: hidden in the rendered
    /// comment, found by CI to edit the one comment in place. The key is checked by the
    /// command line to hold only letters, digits, '.', '_' and '-'.
    public static func commentMarker(_ kind: String, key: String?) -> String {
        "<!-- simfleet:\(kind)\(key.map { ":" + $0 } ?? "") -->"
    }

    public static func isValidCommentKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64 && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }
}

/// GitHub Actions workflow commands (`::error file=...::message`).
public enum GitHubAnnotation {
    /// The message part: `%`, CR and LF are percent-encoded as GitHub decodes them, so no
    /// text can end the command and start a forged one; other controls are made visible.
    public static func escapeData(_ text: String) -> String {
        TerminalText.replacing(text, special: ["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    /// A property value (`file=`): also `:` and `,`, which end a property.
    public static func escapeProperty(_ text: String) -> String {
        TerminalText.replacing(escapeData(text)) { scalar in
            switch scalar {
            case ":": "%3A"
            case ",": "%2C"
            default: nil
            }
        }
    }

    /// `::error file=F,line=L,col=C,title=T::message`, without a line when there is none and
    /// without a title when none is given.
    public static func command(_ severity: String, path: String, line: Int, column: Int, title: String? = nil, message: String) -> String {
        var properties = "file=\(escapeProperty(path))"
        if line > 0 { properties += ",line=\(line),col=\(column)" }
        if let title { properties += ",title=\(escapeProperty(title))" }
        return "::\(severity) \(properties)::\(escapeData(message))"
    }

    /// `::warning::message`, for what belongs to no file.
    public static func command(_ severity: String, message: String) -> String {
        "::\(severity)::\(escapeData(message))"
    }
}

/// Escaping for Prometheus's text format.
public enum PrometheusText {
    /// A label value: backslash, double quote and line feed escaped, as the format requires;
    /// other control characters made visible, as everywhere else.
    public static func escapeLabel(_ text: String) -> String {
        TerminalText.replacing(text, special: ["\\": "\\\\", "\"": "\\\"", "\n": "\\n"])
    }

    /// A sample value: integers without a fraction, others as Swift prints them (Go's float
    /// syntax, which the format uses, reads them).
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }
}

/// Text inside a mermaid diagram in markdown: no quote can end a label, no backtick can end
/// the code fence, no line break can start a statement; controls shown escaped; cut to 60.
public enum MermaidText {
    public static func label(_ text: String) -> String {
        let cleaned = TerminalText.replacing(text, special: ["\"": "'", "`": "'", "#": " ", ";": " ", "\r": " ", "\n": " "])
        return cleaned.unicodeScalars.count > 60 ? String(String.UnicodeScalarView(cleaned.unicodeScalars.prefix(60))) + "…" : cleaned
    }
}
