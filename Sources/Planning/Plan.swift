import FleetModel

/// One API call the plan makes, in order.
public struct Step: Sendable, Hashable {
    public var icc: ICC
    public var name: String?
    public var action: SIMAction
    /// The live state the SIM must be in when the step is sent, and the one it leads to.
    public var from: SIMState
    public var to: SIMState
    /// Steps of a wave run together; a wave starts when the one before has settled.
    public var wave: Int
    /// A terminate that will not be sent: not allowed by this run, or protected.
    public var refused: Bool
    public var reason: String?
    /// Something a reviewer should know, such as a SIM briefly going live.
    public var note: String?
    /// The manifest's `note:` ("stolen, ticket OPS-1234"), shown beside the step.
    public var manifestNote: String?
    /// From the manifest: NexCon calls it when the job ends; apply passes it on.
    public var callbackURL: String?
    /// From the manifest: apply refuses to terminate a protected SIM whatever it is told.
    public var protect: Bool
    public var location: SourceLocation
    /// What simfleet.yaml's policy rules say of this step (`Policy.judge`).
    public var verdicts: [RuleVerdict]
    /// A policy rule denies it: it is never sent.
    public var isDenied: Bool { verdicts.contains { $0.effect == .deny } }

    public init(icc: ICC, name: String?, action: SIMAction, from: SIMState, to: SIMState, wave: Int,
                refused: Bool = false, reason: String? = nil, note: String? = nil, manifestNote: String? = nil,
                callbackURL: String? = nil, protect: Bool = false, location: SourceLocation, verdicts: [RuleVerdict] = []) {
        self.icc = icc
        self.name = name
        self.action = action
        self.from = from
        self.to = to
        self.wave = wave
        self.refused = refused
        self.reason = reason
        self.note = note
        self.manifestNote = manifestNote
        self.callbackURL = callbackURL
        self.protect = protect
        self.location = location
        self.verdicts = verdicts
    }
}

/// A step's identity: one action for one SIM, which a plan holds at most once.
public struct StepKey: Hashable, Sendable {
    public var icc: ICC
    public var action: SIMAction

    public init(icc: ICC, action: SIMAction) {
        self.icc = icc
        self.action = action
    }
}

extension Step {
    public var key: StepKey { StepKey(icc: icc, action: action) }
}

/// Where a SIM ended up in the plan.
public enum Outcome: String, Sendable, Hashable {
    case unchanged, change, pending, error
}

/// Every SIM in scope with what was observed and what the plan does about it.
public struct PlannedSIM: Sendable, Hashable {
    public var icc: ICC
    public var name: String?
    public var desired: SIMState
    /// The live status word, as NexCon wrote it; nil when it could not be read.
    public var observed: String?
    public var live: LiveState?
    public var outcome: Outcome
    public var location: SourceLocation
}

/// An error or warning about one SIM, or about the plan as a whole.
public struct PlanIssue: Sendable, Hashable {
    public var icc: ICC?
    public var name: String?
    public var location: SourceLocation?
    public var message: String
}

/// Counts a reviewer reads first.
public struct PlanSummary: Sendable, Hashable {
    public var managed = 0
    public var activate = 0
    public var block = 0
    public var restore = 0
    public var terminate = 0
    public var refused = 0
    public var unchanged = 0
    public var pending = 0
    public var errors = 0

    public func count(of action: SIMAction) -> Int {
        switch action {
        case .activate: activate
        case .block: block
        case .restore: restore
        case .terminate: terminate
        }
    }
}

extension PlanSummary {
    /// Counts the SIMs' outcomes and the steps by action.
    init(managed: Int, sims: [PlannedSIM], steps: [Step]) {
        self.managed = managed
        for sim in sims {
            switch sim.outcome {
            case .unchanged: unchanged += 1
            case .pending: pending += 1
            case .error: errors += 1
            case .change: break
            }
        }
        for step in steps {
            switch step.action {
            case .activate: activate += 1
            case .block: block += 1
            case .restore: restore += 1
            case .terminate: terminate += 1
            }
            if step.refused { refused += 1 }
        }
    }
}

/// The result of planning: ordered steps, every SIM's outcome, errors and warnings.
/// The same input always gives the same plan.
public struct Plan: Sendable, Hashable {
    public var steps: [Step]
    public var sims: [PlannedSIM]
    public var errors: [PlanIssue]
    public var warnings: [PlanIssue]
    public var summary: PlanSummary
    public var blastRadius: BlastRadius
    /// Where each changed SIM's desired state was declared, when git could tell.
    public var explanations = Explanations.none
    /// Break-glass holds that keep a planned activate or restore back, by ICC.
    public var holds: [Hold] = []

    /// Whether the manifests and the fleet differ: any step, refused terminations included,
    /// since a drift check must see them, or any SIM with a job in progress, which is not
    /// converged until it settles.
    public var hasChanges: Bool { !steps.isEmpty || summary.pending > 0 }

    /// SIMs with a job in progress when planned, for apply's report: not converged.
    public var unsettled: [PlanIssue] {
        sims.filter { $0.outcome == .pending }.map {
            PlanIssue(icc: $0.icc, name: $0.name, location: $0.location,
                      message: "a job was in progress (live status \($0.observed ?? "unknown")) when planned, so it is not known to be \($0.desired.rawValue); run apply again once it ends")
        }
    }
    public var waves: [[Step]] {
        Dictionary(grouping: steps, by: \.wave).sorted { $0.key < $1.key }.map(\.value)
    }
}
