/// The four state-changing calls. Each starts an asynchronous job at NexCon.
public enum SIMAction: String, CaseIterable, Sendable, Codable, Comparable {
    case activate, block, restore, terminate

    public static func < (a: SIMAction, b: SIMAction) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The state a successful call leaves the SIM in.
    public var target: SIMState {
        switch self {
        case .activate, .restore: .active
        case .block: .blocked
        case .terminate: .terminated
        }
    }

    /// Block and terminate cut a device off.
    public var isDisruptive: Bool { self == .block || self == .terminate }
}
