import FleetModel

extension Diagnostic {
    /// `path:line:column: error: message`, the form compilers, editors and CI understand.
    /// Paths and messages carry outside text, so control characters are shown escaped.
    public var formatted: String {
        "\(TerminalText.escape(location.description)): \(severity.rawValue): \(TerminalText.escape(message))"
    }

    /// A GitHub Actions workflow command that annotates the file in a pull request.
    public var githubAnnotation: String {
        GitHubAnnotation.command(severity.rawValue, path: location.path, line: location.line, column: location.column, message: message)
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
