import FleetModel

/// Which terminations a run allows. `protect: true` in a manifest overrides any allowance.
public enum TerminateAllowance: Sendable, Hashable {
    case none
    case all
    case only(Set<ICC>)

    public func allows(_ icc: ICC) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .only(let iccs): iccs.contains(icc)
        }
    }
}

/// When a plan's disruptive steps are too many to apply without `--force`.
public struct BlastRadiusLimit: Sendable, Hashable {
    /// Share of the managed SIMs, in percent.
    public var percent: Double
    /// Fewer disruptive steps than this never trip the guard.
    public var minimum: Int

    public static let standard = BlastRadiusLimit(percent: 10, minimum: 5)

    public init(percent: Double, minimum: Int) {
        self.percent = percent
        self.minimum = minimum
    }

    /// "more than 10% of the managed SIMs, and at least 5 steps"
    public var summary: String {
        "more than \(Planner.percent(percent)) of the managed SIMs, and at least \(Wording.count(minimum, "step"))"
    }

    public func isExceeded(disruptive: Int, managed: Int) -> Bool {
        disruptive >= minimum && Double(disruptive) > Double(managed) * percent / 100
    }
}

/// The one home of every safety verdict: which terminations a run may send and why a
/// step is refused (one message, for plan and apply alike), how live status words map to
/// states, the blast radius, and which `--allow-terminate` ICCs the manifests back. The
/// planner, the reconciler and apply all ask it; settings are merged over defaults here.
public struct Policy: Sendable, Equatable {
    public var allowTerminate: TerminateAllowance
    public var statusMapping: StatusMapping
    public var blastRadius: BlastRadiusLimit

    public init(allowTerminate: TerminateAllowance = .none, statusMapping: StatusMapping = .standard,
                blastRadius: BlastRadiusLimit = .standard) {
        self.allowTerminate = allowTerminate
        self.statusMapping = statusMapping
        self.blastRadius = blastRadius
    }

    /// Settings from `simfleet.yaml` over the defaults, and the run's own allowance.
    public init(allowTerminate: TerminateAllowance, statusMapping: StatusMapping, blastRadiusPercent: Double?, blastRadiusMinimum: Int?) {
        var limit = BlastRadiusLimit.standard
        if let blastRadiusPercent { limit.percent = blastRadiusPercent }
        if let blastRadiusMinimum { limit.minimum = blastRadiusMinimum }
        self.init(allowTerminate: allowTerminate, statusMapping: statusMapping, blastRadius: limit)
    }

    /// Why `step` must not be sent, decided by this run's allowance and the manifest's
    /// `protect`, never by a plan file; nil when it may be sent.
    public func refusal(_ step: Step) -> Refusal? {
        guard step.action == .terminate else { return nil }
        if step.protect { return .protected }
        if !allowTerminate.allows(step.icc) { return .notAllowed(step.icc) }
        return nil
    }

    /// The blast radius of `steps` among `managed` SIMs, by the one rule.
    public func blastRadius(of steps: [Step], managed: Int) -> BlastRadius {
        BlastRadius(steps: steps, managed: managed, limit: blastRadius)
    }

    /// `--allow-terminate` ICCs the manifests do not back: each must be declared
    /// `state: terminated` and not protected. An allowance never stands in for a reviewed
    /// manifest change.
    public func allowanceProblems(declared sims: [DesiredSIM]) -> [Diagnostic] {
        guard case .only(let iccs) = allowTerminate else { return [] }
        let declared = Dictionary(sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        let flag = SourceLocation(path: "--allow-terminate")
        return iccs.sorted().compactMap { icc in
            guard let sim = declared[icc] else {
                return .error(.allowTerminateUndeclared, at: flag, "ICC \(icc) is not in the manifests; declare it with state: terminated in a reviewed change first")
            }
            if sim.protect {
                return .error(.allowTerminateProtected, at: flag, "ICC \(icc) is protected (protect: true at \(sim.location)); it is never terminated. Remove protect in a reviewed change first")
            }
            if sim.state != .terminated {
                return .error(.allowTerminateNotDeclared, at: flag, "ICC \(icc) is declared state: \(sim.state.rawValue) at \(sim.stateLocation), not terminated; declare state: terminated in a reviewed change first")
            }
            return nil
        }
    }
}

extension Policy {
    /// A saved plan narrowed by `--target`, `--target-file`, `--label` or `--shard`: only its
    /// steps for the matching SIMs in scope. A targeted ICC no manifest in scope declares,
    /// or targets that match no step, are errors (at `targetSource` and `planPath`).
    public static func narrow(_ steps: [Step], by targeting: Targeting, inScope desired: [DesiredSIM],
                              targetSource: String, planPath: String) -> Result<[Step], PlanFileError> {
        var problems: [Diagnostic] = []
        let (selected, unknown) = targeting.select(desired)
        for icc in unknown {
            problems.append(Targeting.undeclared(icc, at: targetSource, within: " in the plan's scope"))
        }
        let chosen = Set(selected.map(\.icc))
        let narrowed = steps.filter { chosen.contains($0.icc) }
        if problems.isEmpty && narrowed.isEmpty {
            problems.append(Targeting.noMatch(at: planPath, "no step of this plan matches"))
        }
        return problems.isEmpty ? .success(narrowed) : .failure(PlanFileError(problems))
    }
}

/// Why a step is not sent, worded once for the plan and the apply report.
public enum Refusal: Sendable, Hashable {
    /// The manifest sets `protect: true`: never, whatever the flags say.
    case protected
    /// A declared termination this run was not allowed to send: it awaits `--allow-terminate`.
    case notAllowed(ICC)

    public var message: String {
        switch self {
        case .protected: "protected: the manifest sets protect: true"
        case .notAllowed(let icc): "not allowed: run apply with --allow-terminate \(icc) (the terminate workflow)"
        }
    }
}

/// The blast-radius check the planner computes and apply enforces, by one rule.
public struct BlastRadius: Sendable, Hashable {
    /// Every step apply could be allowed to send that cuts a device off: each block, and
    /// each termination that is not protected, whether or not this run allows it.
    public var disruptive: Int
    public var managed: Int
    public var limit: BlastRadiusLimit
    public var exceeded: Bool { limit.isExceeded(disruptive: disruptive, managed: managed) }

    public init(disruptive: Int, managed: Int, limit: BlastRadiusLimit) {
        self.disruptive = disruptive
        self.managed = managed
        self.limit = limit
    }

    public init(steps: [Step], managed: Int, limit: BlastRadiusLimit) {
        self.init(disruptive: steps.count(where: Self.counts), managed: managed, limit: limit)
    }

    /// "12 disruptive steps (block, terminate) exceed 10% of 100 managed SIMs"
    public var sentence: String {
        "\(Wording.count(disruptive, "disruptive step")) (block, terminate) exceed \(Planner.percent(limit.percent)) of \(Wording.count(managed, "managed SIM"))"
    }

    static func counts(_ step: Step) -> Bool {
        step.action == .block || step.action == .terminate && !step.protect
    }
}
