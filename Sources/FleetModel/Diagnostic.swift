/// A problem found in the input, with where it is and what to do about it.
public struct Diagnostic: Hashable, Sendable, Comparable {
    public enum Severity: String, Sendable, Comparable {
        case error
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: Severity = .error, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public static func error(at location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(.error, at: location, message)
    }

    public static func warning(at location: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: location, message)
    }

    /// Outside text quoted in a message is cut to this many characters, so a 1 MB value
    /// cannot make a 1 MB diagnostic in every output format.
    public static let excerptLimit = 80

    /// `text`, or its first `excerptLimit` characters and how long it was.
    public static func excerpt(_ text: some StringProtocol) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > excerptLimit else { return String(text) }
        return String(String.UnicodeScalarView(scalars.prefix(excerptLimit))) + "… (\(scalars.count) characters)"
    }

    /// `path:line:column: error: message`, the form compilers, editors and CI understand.
    /// Paths and messages carry outside text, so control characters are shown escaped.
    public var formatted: String {
        "\(TerminalText.escape(location.description)): \(severity.rawValue): \(TerminalText.escape(message))"
    }

    /// A GitHub Actions workflow command that annotates the file in a pull request.
    public var githubAnnotation: String {
        GitHubAnnotation.command(severity.rawValue, path: location.path, line: location.line, column: location.column, message: message)
    }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location, a.severity, a.message) < (b.location, b.severity, b.message)
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { count(where: { $0.severity == .error }) }
    public var hasErrors: Bool { contains(where: { $0.severity == .error }) }

    /// At most `limit` formatted lines, then one saying how many more there are (`omitted`
    /// counts those never kept), so a file with millions of errors prints a page.
    public func formattedLines(limit: Int = Diagnostics.shownLimit, omitted: Int = 0) -> [String] {
        var lines = prefix(limit).map(\.formatted)
        let more = Swift.max(0, count - limit) + omitted
        if more > 0 { lines.append("... and \(more) more; fix these first and run again to see the rest") }
        return lines
    }
}

/// Diagnostics kept up to a bound, and a count of the rest.
public struct Diagnostics: Sendable {
    /// Kept per file, and shown per run.
    public static let shownLimit = 1000

    public private(set) var kept: [Diagnostic] = []
    public private(set) var omitted = 0
    let limit: Int

    public init(limit: Int = Diagnostics.shownLimit) { self.limit = limit }

    public mutating func append(_ diagnostic: Diagnostic) {
        if kept.count < limit { kept.append(diagnostic) } else { omitted += 1 }
    }
}

extension Diagnostic: Error {}
