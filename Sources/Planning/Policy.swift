import FleetModel
import Foundation

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
    /// Break-glass holds in force: SIMs the manifests still declare otherwise, which no
    /// activate or restore may reach until the hold ends (`Hold`).
    public var holds: [ICC: Hold] = [:]
    /// simfleet.yaml's `policy:` rules, in order; `judge` applies them.
    public var rules: [PolicyRule]

    public init(allowTerminate: TerminateAllowance = .none, statusMapping: StatusMapping = .standard,
                blastRadius: BlastRadiusLimit = .standard, rules: [PolicyRule] = []) {
        self.allowTerminate = allowTerminate
        self.statusMapping = statusMapping
        self.blastRadius = blastRadius
        self.rules = rules
    }

    /// The holds among `found` that are in force: for SIMs declared in `declared`, other
    /// than blocked or terminated (a hold on a SIM main declares blocked has done its work).
    public static func holdsInForce(_ found: [ICC: Hold], declared: [DesiredSIM]) -> [ICC: Hold] {
        guard !found.isEmpty else { return [:] }
        var inForce: [ICC: Hold] = [:]
        for sim in declared where sim.state != .blocked && sim.state != .terminated {
            if let hold = found[sim.icc] { inForce[sim.icc] = hold }
        }
        return inForce
    }

    /// Settings from `simfleet.yaml` over the defaults, and the run's own allowance.
    public init(allowTerminate: TerminateAllowance, statusMapping: StatusMapping, blastRadiusPercent: Double?, blastRadiusMinimum: Int?,
                rules: [PolicyRule] = []) {
        var limit = BlastRadiusLimit.standard
        if let blastRadiusPercent { limit.percent = blastRadiusPercent }
        if let blastRadiusMinimum { limit.minimum = blastRadiusMinimum }
        self.init(allowTerminate: allowTerminate, statusMapping: statusMapping, blastRadius: limit, rules: rules)
    }

    /// Why `step` must not be sent, decided by this run's allowance, the manifest's
    /// `protect` and the rules' verdicts (which `judge` made from the manifests and
    /// simfleet.yaml), never by a plan file; nil when it may be sent. No flag lifts a denial.
    public func refusal(_ step: Step) -> Refusal? {
        if step.action == .terminate && step.protect { return .protected }
        if step.action == .activate || step.action == .restore, let hold = holds[step.icc] { return .held(hold) }
        if let denial = step.verdicts.first(where: { $0.effect == .deny }) {
            return .denied(rule: denial.rule, reason: denial.reason)
        }
        if step.action == .terminate && !allowTerminate.allows(step.icc) { return .notAllowed(step.icc) }
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
    /// A policy rule in simfleet.yaml denies it: no flag lifts that, only a reviewed change.
    case denied(rule: String, reason: String)
    /// A break-glass hold keeps the SIM blocked until main declares it so, or it is released.
    case held(Hold)

    public var message: String {
        switch self {
        case .protected: "protected: the manifest sets protect: true"
        case .notAllowed(let icc): "not allowed: run apply with --allow-terminate \(icc) (the terminate workflow)"
        case .denied(let rule, let reason): "denied by policy rule '\(rule)': \(reason)"
        case .held(let hold): "\(hold.summary): merge that branch's pull request so main declares it blocked, or release the hold (simfleet release-hold \(hold.icc))"
        }
    }
}

/// The blast-radius check the planner computes and apply enforces, by one rule.
public struct BlastRadius: Sendable, Hashable {
    /// Every step apply could be allowed to send that cuts a device off: each block, and
    /// each termination that is not protected, whether or not this run allows it; not
    /// those a policy rule denies.
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

    /// A step a policy rule denies is never sent, so it cuts nothing off.
    static func counts(_ step: Step) -> Bool {
        step.action.isDisruptive && !(step.action == .terminate && step.protect) && !step.isDenied
    }
}

/// What one policy rule says of one step.
public struct RuleVerdict: Sendable, Hashable {
    public enum Effect: String, Sendable, Hashable {
        /// Not sent; only a reviewed change to simfleet.yaml lifts it.
        case deny
        /// Sent, and reported.
        case warn
        /// A freeze that covers the step; judged when apply runs, not when planning.
        case freeze
    }

    /// The rule's name.
    public var rule: String
    public var effect: Effect
    /// "terminate is denied", "block needs a note: (a ticket) in the manifest"
    public var reason: String

    public init(rule: String, effect: Effect, reason: String) {
        self.rule = rule
        self.effect = effect
        self.reason = reason
    }
}

/// The moment a freeze is judged at, and how it falls in each window's own time zone.
public struct PolicyClock: Sendable {
    public var now: Date

    public init(now: Date) { self.now = now }

    /// The weekday and minute of the day `now` is in `zone`.
    func local(in zone: String) -> (day: FreezeWindow.Day, minute: Int)? {
        guard let timeZone = TimeZone(identifier: zone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: now)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute,
              (1...7).contains(weekday) else { return nil }
        return (FreezeWindow.Day.allCases[weekday - 1], hour * 60 + minute)
    }
}

extension FreezeWindow {
    /// Whether the freeze is in effect at `now`, or when it next starts: "in effect now",
    /// "next starts fri 15:00 Europe/Copenhagen (in 2 days)".
    public func status(at now: Date) -> String {
        let clock = PolicyClock(now: now)
        guard let local = clock.local(in: timeZone) else { return "its time zone \(timeZone) cannot be read here, so apply counts it in effect" }
        if contains(day: local.day, minute: local.minute) { return "in effect now" }
        for offset in 0...7 {
            let day = Day.allCases[(local.day.number - 1 + offset) % 7]
            guard days.isEmpty || days.contains(day), offset > 0 || from > local.minute else { continue }
            let when = offset == 0 ? "today" : offset == 1 ? "tomorrow" : "in \(offset) days"
            return "next starts \(day.rawValue) \(Self.clock(from)) \(timeZone) (\(when))"
        }
        return "never starts"
    }
}

extension Policy {
    /// Judges `steps` (in the order they run) by the rules: each step's verdicts, and a
    /// step any rule denies is refused with that rule's reason. With `clock` nil (a plan),
    /// a freeze only marks the steps it covers; with a clock (apply), it denies or warns.
    ///
    /// A SIM whose step is denied has all its steps denied, so an activate never runs
    /// without the block it leads to. `maxSteps` admits, in plan order, whole SIMs whose
    /// steps (those that would still be sent) fit the budget.
    ///
    /// `reviewed` is a saved plan's steps: one it showed denied stays denied even when the
    /// rules have since changed, since a plan file may narrow what apply does, never widen it.
    public func judge(_ steps: inout [Step], labels: [ICC: [String: String]], clock: PolicyClock?, reviewed: [Step] = []) {
        let deniedBefore = Dictionary(reviewed.compactMap { step in step.verdicts.first { $0.effect == .deny }.map { (step.key, $0) } },
                                      uniquingKeysWith: { first, _ in first })
        guard !rules.isEmpty || !deniedBefore.isEmpty else { return }
        for index in steps.indices { steps[index].verdicts = [] }
        for rule in rules {
            let effect: RuleVerdict.Effect = rule.mode == .warn ? .warn : .deny
            // nil: no freeze; .some(nil): a plan, judged when apply runs; else inside or not
            // (a zone that cannot be read at apply counts as inside: the safe side).
            let frozen: Bool?? = rule.freeze.map { window in
                clock.map { clock in clock.local(in: window.timeZone).map { window.contains(day: $0.day, minute: $0.minute) } ?? true }
            }
            for index in steps.indices where rule.matches(labels[steps[index].icc] ?? [:]) {
                let step = steps[index]
                if rule.deny.contains(step.action) {
                    steps[index].verdicts.append(RuleVerdict(rule: rule.name, effect: effect, reason: "\(step.action.rawValue) is denied for these SIMs; only a reviewed change to simfleet.yaml lifts it"))
                }
                if rule.requireNote.contains(step.action), (step.manifestNote ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    steps[index].verdicts.append(RuleVerdict(rule: rule.name, effect: effect, reason: "\(step.action.rawValue) needs the SIM's note: (a ticket) in the manifest"))
                }
                if let window = rule.freeze, window.holds(step.action), let frozen {
                    switch frozen {
                    case nil:
                        steps[index].verdicts.append(RuleVerdict(rule: rule.name, effect: .freeze, reason: "frozen \(window.summary); judged when apply runs"))
                    case true?:
                        steps[index].verdicts.append(RuleVerdict(rule: rule.name, effect: effect, reason: "frozen \(window.summary), and apply ran inside it"))
                    case false?:
                        break
                    }
                }
            }
        }
        holdSIMsTogether(&steps)
        // Step budgets count what would still be sent, so they come last.
        for rule in rules {
            guard let limit = rule.maxSteps else { continue }
            let effect: RuleVerdict.Effect = rule.mode == .warn ? .warn : .deny
            let matching = steps.indices.filter { rule.matches(labels[steps[$0].icc] ?? [:]) && sendable(steps[$0]) }
            guard matching.count > limit else { continue }
            // Whole SIMs, in plan order: one whose steps no longer fit waits whole, and a
            // later SIM that fits still runs.
            let perSIM = Dictionary(grouping: matching, by: { steps[$0].icc }).mapValues(\.count)
            var admitted: [ICC: Bool] = [:]
            var used = 0
            for index in matching {
                let icc = steps[index].icc
                if admitted[icc] == nil {
                    admitted[icc] = used + perSIM[icc]! <= limit
                    if admitted[icc]! { used += perSIM[icc]! }
                }
                guard admitted[icc] == false else { continue }
                steps[index].verdicts.append(RuleVerdict(rule: rule.name, effect: effect,
                                                         reason: "beyond the \(Wording.count(limit, "step")) a run may take for these SIMs (\(matching.count) planned); the next run takes it"))
            }
        }
        for index in steps.indices where !steps[index].isDenied {
            guard let before = deniedBefore[steps[index].key] else { continue }
            steps[index].verdicts.append(RuleVerdict(rule: before.rule, effect: .deny,
                                                     reason: "the reviewed plan showed it denied (\(before.reason)); plan again to send it"))
        }
        holdSIMsTogether(&steps)
        for index in steps.indices {
            guard let refusal = refusal(steps[index]) else { continue }
            steps[index].refused = true
            steps[index].reason = refusal.message
        }
    }

    /// This policy with no freeze in any rule: break glass blocks at any hour, while every
    /// other rule still holds.
    public var ignoringFreezes: Policy {
        var copy = self
        copy.rules = rules.map { rule in
            var rule = rule
            rule.freeze = nil
            return rule
        }
        // A rule that asked only for a freeze now asks nothing.
        copy.rules.removeAll { $0.deny.isEmpty && $0.maxSteps == nil && $0.requireNote.isEmpty }
        return copy
    }

    /// The freeze that holds `step` back at `clock`'s moment, if any: apply asks as each
    /// step is about to be sent, so a freeze that begins while apply runs stops the steps
    /// still to come. Only `mode: deny` freezes hold; a warning was given when apply began.
    public func freezeHolding(_ step: Step, labels: [String: String], clock: PolicyClock) -> RuleVerdict? {
        for rule in rules where rule.mode == .deny && rule.matches(labels) {
            guard let window = rule.freeze, window.holds(step.action) else { continue }
            // A zone that cannot be read counts as inside: the safe side.
            let inside = clock.local(in: window.timeZone).map { window.contains(day: $0.day, minute: $0.minute) } ?? true
            guard inside else { continue }
            return RuleVerdict(rule: rule.name, effect: .deny,
                               reason: "frozen since \(FreezeWindow.clock(window.from)) \(window.timeZone) (\(window.summary)); the freeze began while apply ran, so it was held back; the next apply after the freeze sends it")
        }
        return nil
    }

    /// A step this run's allowance and `protect` let through, and no rule has denied yet.
    private func sendable(_ step: Step) -> Bool {
        refusal(step) == nil
    }

    /// A SIM with a denied step has each of its steps denied.
    private func holdSIMsTogether(_ steps: inout [Step]) {
        var denied: [ICC: RuleVerdict] = [:]
        for step in steps {
            if denied[step.icc] == nil, let verdict = step.verdicts.first(where: { $0.effect == .deny }) {
                denied[step.icc] = RuleVerdict(rule: verdict.rule, effect: .deny, reason: "held back with this SIM's \(step.action.rawValue) step, which the rule denies (\(verdict.reason))")
            }
        }
        for index in steps.indices {
            guard let held = denied[steps[index].icc], !steps[index].isDenied else { continue }
            steps[index].verdicts.append(held)
        }
    }
}
