import FleetModel

extension Diagnostic {
    /// `path:line:column: error: message`, the form compilers, editors and CI understand.
    /// Paths and messages carry outside text, so control characters are shown escaped.
    public var formatted: String {
        var line = Self.line(severity.rawValue, at: location, message)
        for note in notes {
            line += "\n" + (note.location.map { Self.line("note", at: $0, note.message) } ?? "note: " + TerminalText.escape(note.message))
        }
        return line
    }

    /// `path:line:column: severity: message`, escaped for a terminal.
    static func line(_ severity: String, at location: SourceLocation, _ message: String) -> String {
        "\(TerminalText.escape(location.description)): \(severity): \(TerminalText.escape(message))"
    }

    /// A GitHub Actions workflow command that annotates the file in a pull request, titled
    /// with the code; notes follow the message on lines of their own.
    public var githubAnnotation: String {
        var text = message
        for note in notes { text += "\nnote: " + (note.location.map { "\($0): " } ?? "") + note.message }
        return GitHubAnnotation.command(severity.rawValue, path: location.path, line: location.line, column: location.column,
                                        title: code.rawValue, message: text)
    }
}

extension Array where Element == Diagnostic {
    /// At most `limit` formatted lines, then one saying how many more there are (`omitted`
    /// counts those never kept), so a file with millions of errors prints a page.
    public func formattedLines(limit: Int = Diagnostics.shownLimit, omitted: Int = 0) -> [String] {
        var lines = prefix(limit).map(\.formatted)
        let more = Swift.max(0, count - limit) + omitted
        if more > 0 { lines.append("... and \(more) more; fix these first and run again to see the rest") }
        return lines
    }
}
