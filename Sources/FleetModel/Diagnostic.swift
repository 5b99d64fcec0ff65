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

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location, a.severity, a.message) < (b.location, b.severity, b.message)
    }
}

extension Array where Element == Diagnostic {
    public var errorCount: Int { count(where: { $0.severity == .error }) }
    public var hasErrors: Bool { contains(where: { $0.severity == .error }) }
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
