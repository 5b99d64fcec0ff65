import FleetModel

/// What tests compare of diagnostics: where, how bad, and which rule (`path:line:column:
/// error: SF-...`), never the wording, which a few golden files pin instead.
public func coded(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.location): \($0.severity.rawValue): \($0.code.rawValue)" }
}
