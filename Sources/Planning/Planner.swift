import FleetModel

/// Turns desired SIMs and observed statuses into a `Plan`. Pure: no I/O, no clock.
public enum Planner {
    /// `managed` is every SIM the manifests declare, for the blast radius; by default the
    /// SIMs planned, when they are all of them. `clock` is apply's moment, at which freezes
    /// are judged; a plan alone (nil) only marks the steps a freeze covers.
    public static func plan(desired: [DesiredSIM], observed: [ICC: Observation], policy: Policy, managed: Int? = nil,
                            clock: PolicyClock? = nil) -> Plan {
        assemble(desired.map { plan($0, observed[$0.icc], policy: policy) }, desired: desired, policy: policy, managed: managed, clock: clock)
    }

    /// A declared-only plan (`plan --offline`): no live status is read; each SIM is taken
    /// to be where `assumed` says the base declared it, and a SIM the base did not declare
    /// to be inactive, as a new SIM card is delivered.
    public static func plan(desired: [DesiredSIM], assumed: [ICC: SIMState], policy: Policy, managed: Int? = nil) -> Plan {
        assemble(desired.map { plan($0, from: assumed[$0.icc] ?? .inactive, policy: policy) }, desired: desired, policy: policy,
                 managed: managed, clock: nil)
    }

    /// The SIMs' parts joined: waves, the policy's verdicts, counts and the blast radius.
    static func assemble(_ ones: [SIMPlan], desired: [DesiredSIM], policy: Policy, managed: Int?, clock: PolicyClock?) -> Plan {
        let managed = managed ?? desired.count
        var steps: [Step] = []
        var sims: [PlannedSIM] = []
        var errors: [PlanIssue] = []
        var warnings: [PlanIssue] = []
        for one in ones {
            sims.append(one.sim)
            steps += one.steps
            errors += one.errors
            warnings += one.warnings
        }
        assignWaves(&steps)
        if !policy.rules.isEmpty {
            policy.judge(&steps, labels: labels(of: desired), clock: clock)
        }
        let summary = PlanSummary(managed: managed, sims: sims, steps: steps)
        let blastRadius = policy.blastRadius(of: steps, managed: managed)
        if blastRadius.exceeded {
            warnings.append(PlanIssue(icc: nil, name: nil, location: nil, message: blastRadius.sentence + "; apply will need --force"))
        }
        sims.sort { $0.icc < $1.icc }
        errors.sort(by: issueOrder)
        warnings.sort(by: issueOrder)
        var plan = Plan(steps: steps, sims: sims, errors: errors, warnings: warnings, summary: summary, blastRadius: blastRadius)
        plan.holds = Set(steps.compactMap { step in if case .held(let hold)? = policy.refusal(step) { hold } else { nil } }).sorted { $0.icc < $1.icc }
        return plan
    }

    /// Each SIM's labels, for the policy rules.
    public static func labels(of desired: [DesiredSIM]) -> [ICC: [String: String]] {
        Dictionary(desired.map { ($0.icc, $0.labels) }, uniquingKeysWith: { first, _ in first })
    }

    /// One SIM's part of a plan.
    struct SIMPlan {
        var sim: PlannedSIM
        var steps: [Step] = []
        var errors: [PlanIssue] = []
        var warnings: [PlanIssue] = []
    }

    /// What one SIM needs, from what was observed of it.
    static func plan(_ sim: DesiredSIM, _ observation: Observation?, policy: Policy) -> SIMPlan {
        var one = SIMPlan(sim: PlannedSIM(icc: sim.icc, name: sim.name, desired: sim.state, observed: nil, live: nil,
                                          outcome: .error, location: sim.location))
        func fail(_ message: String, at location: SourceLocation? = nil) {
            one.errors.append(PlanIssue(icc: sim.icc, name: sim.name, location: location ?? sim.location, message: message))
        }
        switch observation {
        case nil:
            fail("its live status was not read")
        case .notFound:
            fail("ICC not found in this account; check the ICC, or that the API key belongs to the account that owns it")
        case .failed(let reason):
            fail("could not read its live status: \(reason)")
        case .status(let word, let facts):
            one.sim.observed = word
            one.warnings += drift(sim, facts: facts)
            guard let live = policy.statusMapping.state(for: word) else {
                fail("unrecognised live status '\(word)'; map it under 'statusMap:' in simfleet.yaml if you know what it means")
                break
            }
            one.sim.live = live
            guard let current = live.settled else {
                one.sim.outcome = .pending
                one.warnings.append(PlanIssue(icc: sim.icc, name: sim.name, location: sim.location,
                                              message: "job in progress (live status \(word)), re-run later"))
                break
            }
            settle(&one, sim, from: current, policy: policy)
        }
        return one
    }

    /// One SIM of a declared-only plan, taken to be at `current`.
    static func plan(_ sim: DesiredSIM, from current: SIMState, policy: Policy) -> SIMPlan {
        var one = SIMPlan(sim: PlannedSIM(icc: sim.icc, name: sim.name, desired: sim.state, observed: nil, live: LiveState(current),
                                          outcome: .error, location: sim.location))
        settle(&one, sim, from: current, policy: policy)
        return one
    }

    /// The steps from the settled state `current`, or why there are none.
    static func settle(_ one: inout SIMPlan, _ sim: DesiredSIM, from current: SIMState, policy: Policy) {
        switch steps(for: sim, from: current, policy: policy) {
        case .failure(let problem):
            one.errors.append(PlanIssue(icc: sim.icc, name: sim.name, location: sim.stateLocation, message: problem.message))
        case .success(let own):
            one.sim.outcome = own.isEmpty ? .unchanged : .change
            one.steps = own
        }
    }

    /// Why a SIM cannot reach its desired state.
    public struct Unreachable: Error, Hashable {
        public var message: String
    }

    /// The steps that take `sim` from the settled state `current` to its desired state, in
    /// order, with the refusals the policy and `protect` call for. Waves are 1, 2 within
    /// the SIM; `assignWaves` moves terminations after every other step of a plan.
    public static func steps(for sim: DesiredSIM, from current: SIMState, policy: Policy) -> Result<[Step], Unreachable> {
        let actions: [SIMAction]
        switch path(from: current, to: sim.state) {
        case .none: return .success([])
        case .unreachable(let message): return .failure(Unreachable(message: message))
        case .steps(let path): actions = path
        }
        var steps: [Step] = []
        var state = current
        for (index, action) in actions.enumerated() {
            var step = Step(icc: sim.icc, name: sim.name, action: action, from: state, to: action.target, wave: index + 1,
                            manifestNote: sim.note, callbackURL: sim.callbackURL, protect: sim.protect, location: sim.location)
            if actions.count > 1 && index == 0 {
                step.note = "activated first so it can be blocked: the SIM is briefly live"
            }
            if let refusal = policy.refusal(step) {
                step.refused = true
                step.reason = refusal.message
            }
            steps.append(step)
            state = action.target
        }
        return .success(steps)
    }

    /// Puts terminations in a wave of their own after every other step, and sorts the
    /// steps into the order they run and are shown in.
    public static func assignWaves(_ steps: inout [Step]) {
        let lastWave = steps.filter { $0.action != .terminate }.map(\.wave).max() ?? 0
        for index in steps.indices where steps[index].action == .terminate {
            steps[index].wave = lastWave + 1
        }
        steps.sort(by: order)
    }

    enum Path: Equatable {
        case none
        case steps([SIMAction])
        case unreachable(String)
    }

    /// The calls that lead from one settled state to another.
    static func path(from current: SIMState, to desired: SIMState) -> Path {
        switch (current, desired) {
        case _ where current == desired: .none
        case (.inactive, .active): .steps([.activate])
        case (.inactive, .blocked): .steps([.activate, .block])
        case (.active, .blocked): .steps([.block])
        case (.blocked, .active): .steps([.restore])
        case (_, .terminated): .steps([.terminate])
        case (.terminated, _):
            .unreachable("it is terminated, which cannot be undone; set 'state: terminated' or remove it from the manifests")
        case (_, .inactive):
            .unreachable("it is \(current.rawValue) and NexCon has no call that makes a SIM inactive again; choose blocked instead")
        default:
            .unreachable("no NexCon call leads from \(current.rawValue) to \(desired.rawValue)")
        }
    }

    /// Block first (cutting traffic on a lost SIM is the urgent case), then restore, then activate.
    public static let actionOrder: [SIMAction] = [.block, .restore, .activate, .terminate]

    static func order(_ a: Step, _ b: Step) -> Bool {
        if a.wave != b.wave { return a.wave < b.wave }
        let (ra, rb) = (actionOrder.firstIndex(of: a.action)!, actionOrder.firstIndex(of: b.action)!)
        if ra != rb { return ra < rb }
        return a.icc < b.icc
    }

    static func issueOrder(_ a: PlanIssue, _ b: PlanIssue) -> Bool {
        switch (a.location, b.location) {
        case let (x?, y?) where x != y: return x < y
        case (nil, _?): return false
        case (_?, nil): return true
        default: return (a.icc?.digits ?? "", a.message) < (b.icc?.digits ?? "", b.message)
        }
    }

    /// `expect:` facts the live status contradicts. Never changed, only reported.
    static func drift(_ sim: DesiredSIM, facts: JSONValue) -> [PlanIssue] {
        sim.expect.sorted { $0.key < $1.key }.compactMap { key, expected in
            guard !expected.isSatisfied(by: facts[key]) else { return nil }
            let live = facts[key].map { describe($0, masking: key == "msisdn") } ?? "missing"
            let want = describe(expected, masking: key == "msisdn")
            return PlanIssue(icc: sim.icc, name: sim.name, location: sim.location,
                             message: "drift: expect.\(key) is \(want), live is \(live)")
        }
    }

    static func describe(_ value: JSONValue, masking: Bool) -> String {
        switch value {
        case .string(let text): masking ? Privacy.maskMSISDN(text) : "'\(text)'"
        case .number(let text): masking ? Privacy.maskMSISDN(text) : text
        case .bool(let flag): String(flag)
        case .null: "null"
        case .array(let items): "[" + items.map { describe($0, masking: masking) }.joined(separator: ", ") + "]"
        case .object(let map): "{" + map.sorted { $0.key < $1.key }.map { "\($0.key): \(describe($0.value, masking: masking))" }.joined(separator: ", ") + "}"
        }
    }

    static func describe(_ value: ExpectedValue, masking: Bool) -> String {
        switch value {
        case .text(let text): masking ? Privacy.maskMSISDN(text) : "'\(text)'"
        case .list(let items): "[" + items.map { describe($0, masking: masking) }.joined(separator: ", ") + "]"
        case .mapping(let map): "{" + map.sorted { $0.key < $1.key }.map { "\($0.key): \(describe($0.value, masking: masking))" }.joined(separator: ", ") + "}"
        }
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
