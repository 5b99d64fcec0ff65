import FleetModel
import Planning

/// What happened to one step.
public enum StepOutcome: String, Sendable, CaseIterable {
    /// Sent, and the SIM reached its target.
    case confirmed
    /// Another run or actor was already at work (NexCon refused ours) and the SIM reached
    /// the target; this run's action had no effect.
    case doneElsewhere = "done-by-another-run"
    /// The SIM was already where the step leads; nothing was sent.
    case alreadyDone = "already-done"
    /// The SIM changed since the plan was made; nothing was sent.
    case stale
    /// Sent (or found running) and did not reach its target.
    case failed
    /// Sent, but neither success nor failure could be seen before the wait ran out.
    case unknown
    /// A termination kept back because another step of the run did not succeed.
    case heldBack = "held-back"
    /// A termination the manifests declare, waiting only for `--allow-terminate` given to
    /// apply (the terminate workflow): it does not hold the run's success back.
    case awaitingTermination = "awaiting-termination"
    /// Not allowed whatever the flags say: a termination of a protected SIM.
    case refused
    /// Not started: the run was interrupted, or this SIM's earlier step did not succeed.
    case skipped

    public var converged: Bool { self == .confirmed || self == .alreadyDone || self == .doneElsewhere }
}

public struct StepResult: Sendable {
    public var step: Step
    public var outcome: StepOutcome
    public var detail: String
    public var jobId: String?
}

/// The outcome of an apply run, in plan order.
public struct ApplyReport: Sendable {
    public var results: [StepResult]
    public var interrupted: Bool
    public var target: PlanTarget
    /// SIMs the plan could not plan for (status unreadable, state unreachable, unmapped
    /// status): no step was sent for them, and the run is partial.
    public var planErrors: [PlanIssue] = []
    /// SIMs with a job in progress when planned: not converged, so the run is partial.
    public var unsettled: [PlanIssue] = []
    /// When `--target`, `--target-file` or `--label` applied part of a saved plan: how many
    /// of its steps there were.
    public var narrowedFrom: Int?
    /// Why the journal is incomplete, if a write to it failed: this report is then the
    /// only full record of what was sent.
    public var journalFailure: String?

    public init(results: [StepResult], interrupted: Bool, target: PlanTarget) {
        self.results = results
        self.interrupted = interrupted
        self.target = target
    }

    public func count(_ outcome: StepOutcome) -> Int { results.count { $0.outcome == outcome } }

    /// 0 when every step converged, every SIM could be planned and had settled, and the
    /// journal is whole; 4 when that holds but for terminations awaiting an allowance
    /// (they do not hold the `simfleet/applied` tag back); 3 otherwise.
    public var converged: Bool { Self.converged(exitCode: exitCode) }

    /// The one rule of what counts as converged: 0, or 4 (only terminations awaiting their
    /// allowance); `mark-applied` moves the tag and metrics count success by it.
    public static func converged(exitCode: Int32) -> Bool { exitCode == 0 || exitCode == 4 }

    public var exitCode: Int32 {
        guard !interrupted && planErrors.isEmpty && unsettled.isEmpty && journalFailure == nil else { return 3 }
        guard results.allSatisfy({ $0.outcome.converged || $0.outcome == .awaitingTermination }) else { return 3 }
        return results.contains { $0.outcome == .awaitingTermination } ? 4 : 0
    }
}
