/// One SIM as the manifests want it, with defaults applied and labels merged.
public struct DesiredSIM: Hashable, Sendable {
    public var icc: ICC
    public var name: String?
    public var state: SIMState
    public var labels: [String: String]
    public var protect: Bool
    public var callbackURL: String?
    public var expect: [String: ExpectedValue]
    public var note: String?
    /// The SIM entry (`- icc: ...`) in its manifest.
    public var location: SourceLocation
    /// Where the effective `state` was written: the entry or its document's `defaults:`.
    public var stateLocation: SourceLocation

    public init(
        icc: ICC, name: String? = nil, state: SIMState, labels: [String: String] = [:],
        protect: Bool = false, callbackURL: String? = nil, expect: [String: ExpectedValue] = [:],
        note: String? = nil, location: SourceLocation, stateLocation: SourceLocation? = nil
    ) {
        self.icc = icc
        self.name = name
        self.state = state
        self.labels = labels
        self.protect = protect
        self.callbackURL = callbackURL
        self.expect = expect
        self.note = note
        self.location = location
        self.stateLocation = stateLocation ?? location
    }
}

/// A fact the manifest expects NexCon's `/status` to report, never changed by simfleet.
///
/// A mapping matches any response that holds at least its keys; a list matches any
/// list that contains each of its items; text matches the response's value as text.
public indirect enum ExpectedValue: Hashable, Sendable {
    case text(String)
    case list([ExpectedValue])
    case mapping([String: ExpectedValue])
}
