import NexConAPI
import FleetModel

/// The SIM lifecycle the simulator assumes, as a pure function of status and action.
///
/// NexCon documents none of this; the only status seen in public is `ACTIVATED`.
/// Statuses outside this vocabulary (from a seed file) accept no action.
public enum Lifecycle {
    public static let inactive = "INACTIVE"
    public static let activated = "ACTIVATED"
    public static let blocked = "BLOCKED"
    public static let terminated = "TERMINATED"


    /// How a job moves a SIM: the status while it runs and the one it ends in.
    public struct Transition: Equatable, Sendable {
        public var from: String
        public var during: String
        public var to: String
    }

    /// Whether a running job shows in `/status` (`--transitional`). NexCon documents only
    /// `ACTIVATED`, so a real account may keep the old status until the job ends.
    public enum TransitionalStatus: String, CaseIterable, Sendable {
        /// ACTIVATING, BLOCKING, RESTORING, TERMINATING while the job runs.
        case shown
        /// The old status until the job ends.
        case none
    }

    /// What `--repeat` does with an action whose target is already reached.
    public enum RepeatPolicy: String, CaseIterable, Sendable {
        /// 200 with no job.
        case ok
        /// 409, like any other invalid transition.
        case conflict
    }

    public enum Decision: Equatable, Sendable {
        /// Start a job.
        case start(Transition)
        /// Already there: answer 200 without a job.
        case alreadyThere
        /// Refuse with 409 and this message.
        case conflict(code: String, message: String)
    }

    public static func target(of action: SIMAction) -> String {
        switch action {
        case .activate, .restore: activated
        case .block: blocked
        case .terminate: terminated
        }
    }

    static func during(_ action: SIMAction) -> String {
        switch action {
        case .activate: "ACTIVATING"
        case .block: "BLOCKING"
        case .restore: "RESTORING"
        case .terminate: "TERMINATING"
        }
    }

    static func allowedSources(of action: SIMAction) -> [String] {
        switch action {
        case .activate: [inactive]
        case .block: [activated]
        case .restore: [blocked]
        case .terminate: [inactive, activated, blocked]
        }
    }

    public static func decide(_ action: SIMAction, status: String, jobPending: Bool, repeat policy: RepeatPolicy) -> Decision {
        if jobPending {
            return .conflict(code: "job_pending", message: "a job for this SIM is still running (status \(status)); try again when it has finished")
        }
        if allowedSources(of: action).contains(status) {
            return .start(Transition(from: status, during: during(action), to: target(of: action)))
        }
        if status == target(of: action), policy == .ok {
            return .alreadyThere
        }
        return .conflict(code: "invalid_transition", message: "cannot \(action.rawValue) a SIM in status \(status)")
    }
}
