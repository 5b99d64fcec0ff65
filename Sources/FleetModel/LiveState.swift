/// What a live NexCon status means for planning: one of the states a manifest can ask
/// for, or a job still running.
public enum LiveState: String, CaseIterable, Sendable, Hashable, Codable {
    case active, blocked, inactive, terminated
    /// A job is running; the SIM must not be touched until it ends.
    case pending

    public var settled: SIMState? {
        switch self {
        case .active: .active
        case .blocked: .blocked
        case .inactive: .inactive
        case .terminated: .terminated
        case .pending: nil
        }
    }

    public init(_ state: SIMState) {
        switch state {
        case .active: self = .active
        case .blocked: self = .blocked
        case .inactive: self = .inactive
        case .terminated: self = .terminated
        }
    }
}

/// How NexCon's live status words map to `LiveState`, matched without regard to case.
///
/// NexCon documents only `ACTIVATED`; the rest is assumption, so `simfleet.yaml` can
/// extend or replace it, and a word nobody mapped is an error, never a guess.
public struct StatusMapping: Sendable, Equatable {
    private var states: [String: LiveState]

    public static let standard = StatusMapping([
        .active: ["ACTIVATED", "ACTIVE"],
        .blocked: ["BLOCKED", "SUSPENDED"],
        .inactive: ["INACTIVE", "NOT_ACTIVATED", "NEW", "READY"],
        .terminated: ["TERMINATED", "CANCELLED"],
        .pending: ["ACTIVATING", "BLOCKING", "RESTORING", "TERMINATING", "PENDING", "PROCESSING"],
    ])

    public init(_ words: [LiveState: [String]]) {
        states = [:]
        for (state, list) in words {
            for word in list { states[word.uppercased()] = state }
        }
    }

    public func state(for status: String) -> LiveState? {
        states[status.uppercased()]
    }

    /// This mapping with `words` added; a word already mapped moves to its new state.
    public func extended(with words: [LiveState: [String]]) -> StatusMapping {
        var copy = self
        for (state, list) in words {
            for word in list { copy.states[word.uppercased()] = state }
        }
        return copy
    }

    /// Every word, grouped by state, sorted: for messages and the plan file.
    public var words: [LiveState: [String]] {
        Dictionary(grouping: states.keys.sorted(), by: { states[$0]! })
    }
}
