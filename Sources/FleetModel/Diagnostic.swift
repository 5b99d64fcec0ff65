/// A problem found in the input, with where it is, a stable code, and what to do about it.
/// In the spirit of swift-format's `Finding`: the message is for people and may be
/// reworded; the code is for CI, editors and tests, and never changes meaning.
public struct Diagnostic: Hashable, Sendable, Comparable {
    public enum Severity: String, Sendable, Comparable {
        case error
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// More about a diagnostic, such as where the other half of a conflict is.
    public struct Note: Hashable, Sendable {
        public var location: SourceLocation?
        public var message: String

        public init(at location: SourceLocation? = nil, _ message: String) {
            self.location = location
            self.message = message
        }
    }

    public var severity: Severity
    public var code: DiagnosticCode
    public var location: SourceLocation
    public var message: String
    public var notes: [Note]

    public init(_ severity: Severity = .error, _ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.notes = notes
    }

    public static func error(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, code, at: location, message, notes: notes)
    }

    public static func warning(_ code: DiagnosticCode, at location: SourceLocation, _ message: String, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, code, at: location, message, notes: notes)
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
