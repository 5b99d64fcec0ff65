import FleetModel
import Foundation
import Planning
import TestSupport
import Testing

/// simfleet.yaml's policy rules as a table of rule × step × time: what each rule says of
/// a step, at plan time (no clock) and at apply time (an injected moment).
@Suite struct PolicyRuleTests {
    static let at = SourceLocation(path: "simfleet.yaml", line: 2, column: 5)
    static let prod = ["env": "prod"]
    static let dev = ["env": "dev"]

    static func step(_ action: SIMAction, n: Int = 1, note: String? = nil, protect: Bool = false) -> Step {
        Step(icc: Fleet.icc(n), name: "unit-\(n)", action: action, from: .active, to: action.target, wave: 1, manifestNote: note,
             protect: protect, location: SourceLocation(path: "fleet.yaml", line: n, column: 5))
    }

    /// 2026-11-27 is a Friday; Copenhagen is UTC+1 in winter.
    static func utc(_ text: String) -> PolicyClock {
        PolicyClock(now: ISO8601DateFormatter().date(from: text)!)
    }

    static let fridayFreeze = FreezeWindow(days: [.fri], from: 15 * 60, to: 23 * 60 + 59, timeZone: "Europe/Copenhagen")
    static let blockFree = FreezeWindow(days: [.fri], from: 15 * 60, to: 23 * 60 + 59, timeZone: "Europe/Copenhagen",
                                        actions: [.activate, .restore, .terminate])
    static let overnight = FreezeWindow(days: [.fri], from: 22 * 60, to: 6 * 60, timeZone: "UTC")

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rule: PolicyRule
        var step: Step
        var labels: [String: String]
        var clock: PolicyClock?
        var effects: [RuleVerdict.Effect]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a freeze that leaves block free lets a block through", rule: PolicyRule(name: "r", freeze: blockFree, location: at),
             step: step(.block), labels: [:], clock: utc("2026-11-27T15:10:00Z"), effects: []),
        Case(name: "a freeze that leaves block free holds a restore", rule: PolicyRule(name: "r", freeze: blockFree, location: at),
             step: step(.restore), labels: [:], clock: utc("2026-11-27T15:10:00Z"), effects: [.deny]),
        Case(name: "a freeze that leaves block free marks no block at plan time", rule: PolicyRule(name: "r", freeze: blockFree, location: at),
             step: step(.block), labels: [:], clock: nil, effects: []),
        Case(name: "deny terminate, prod SIM", rule: PolicyRule(name: "r", match: prod, deny: [.terminate], location: at),
             step: step(.terminate), labels: prod, clock: nil, effects: [.deny]),
        Case(name: "deny terminate, dev SIM: no match", rule: PolicyRule(name: "r", match: prod, deny: [.terminate], location: at),
             step: step(.terminate), labels: dev, clock: nil, effects: []),
        Case(name: "deny terminate, a block passes", rule: PolicyRule(name: "r", match: prod, deny: [.terminate], location: at),
             step: step(.block), labels: prod, clock: nil, effects: []),
        Case(name: "empty match covers every SIM", rule: PolicyRule(name: "r", deny: [.block], location: at),
             step: step(.block), labels: [:], clock: nil, effects: [.deny]),
        Case(name: "warn mode warns", rule: PolicyRule(name: "r", deny: [.block], mode: .warn, location: at),
             step: step(.block), labels: [:], clock: nil, effects: [.warn]),
        Case(name: "requireNote without a note", rule: PolicyRule(name: "r", requireNote: [.block], location: at),
             step: step(.block), labels: [:], clock: nil, effects: [.deny]),
        Case(name: "requireNote with a blank note", rule: PolicyRule(name: "r", requireNote: [.block], location: at),
             step: step(.block, note: "  "), labels: [:], clock: nil, effects: [.deny]),
        Case(name: "requireNote with a ticket", rule: PolicyRule(name: "r", requireNote: [.block], location: at),
             step: step(.block, note: "OPS-1"), labels: [:], clock: nil, effects: []),
        Case(name: "freeze at plan time is judged later", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: nil, effects: [.freeze]),
        Case(name: "freeze, Friday 16:10 in Copenhagen", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T15:10:00Z"), effects: [.deny]),
        Case(name: "freeze, Friday 14:59 in Copenhagen", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T13:59:00Z"), effects: []),
        Case(name: "freeze, Friday 15:00 in Copenhagen (the start is inside)", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T14:00:00Z"), effects: [.deny]),
        Case(name: "freeze, Friday 23:59 in Copenhagen (the end is inside)", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T22:59:30Z"), effects: [.deny]),
        Case(name: "freeze, Saturday 00:30 in Copenhagen, still Friday in UTC", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T23:30:00Z"), effects: []),
        Case(name: "freeze, Thursday 16:00 in Copenhagen", rule: PolicyRule(name: "r", freeze: fridayFreeze, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-26T15:00:00Z"), effects: []),
        Case(name: "freeze in warn mode", rule: PolicyRule(name: "r", freeze: fridayFreeze, mode: .warn, location: at),
             step: step(.activate), labels: [:], clock: utc("2026-11-27T15:10:00Z"), effects: [.warn]),
        Case(name: "overnight freeze, Saturday 03:00", rule: PolicyRule(name: "r", freeze: overnight, location: at),
             step: step(.block), labels: [:], clock: utc("2026-11-28T03:00:00Z"), effects: [.deny]),
        Case(name: "overnight freeze, Friday 03:00 (Thursday's night is not frozen)", rule: PolicyRule(name: "r", freeze: overnight, location: at),
             step: step(.block), labels: [:], clock: utc("2026-11-27T03:00:00Z"), effects: []),
        Case(name: "overnight freeze, Friday 22:00", rule: PolicyRule(name: "r", freeze: overnight, location: at),
             step: step(.block), labels: [:], clock: utc("2026-11-27T22:00:00Z"), effects: [.deny]),
    ]

    @Test(arguments: cases)
    func whatARuleSaysOfAStep(_ test: Case) {
        let policy = Policy(allowTerminate: .all, rules: [test.rule])
        var steps = [test.step]
        policy.judge(&steps, labels: [test.step.icc: test.labels], clock: test.clock)
        #expect(steps[0].verdicts.map(\.effect) == test.effects)
        #expect(steps[0].verdicts.allSatisfy { $0.rule == "r" })
        // Only a denial stops the step, and the refusal names the rule.
        #expect(steps[0].refused == test.effects.contains(.deny))
        if test.effects.contains(.deny) {
            #expect(policy.refusal(steps[0]) == .denied(rule: "r", reason: steps[0].verdicts[0].reason))
            #expect(steps[0].reason?.hasPrefix("denied by policy rule 'r': ") == true)
        }
    }

    /// No flag lifts a denial: --allow-terminate all, and --force only ever skips the
    /// blast radius, which a denied step is not counted in.
    @Test func aDenialOutranksEveryAllowance() {
        let policy = Policy(allowTerminate: .all, rules: [PolicyRule(name: "prod", match: Self.prod, deny: [.terminate, .block], location: Self.at)])
        var steps = [Self.step(.terminate, n: 1), Self.step(.block, n: 2)]
        policy.judge(&steps, labels: [Fleet.icc(1): Self.prod, Fleet.icc(2): Self.prod], clock: nil)
        #expect(steps.allSatisfy { if case .denied = policy.refusal($0) { true } else { false } })
        #expect(policy.blastRadius(of: steps, managed: 2).disruptive == 0)
        // protect still says its own word first.
        var protected = [Self.step(.terminate, n: 3, protect: true)]
        policy.judge(&protected, labels: [Fleet.icc(3): Self.prod], clock: nil)
        #expect(policy.refusal(protected[0]) == .protected)
    }

    /// maxSteps lets the first N sendable steps of matching SIMs through, in plan order;
    /// refused terminations and SIMs the rule does not match are not counted.
    @Test func maxStepsCountsWhatWouldBeSent() {
        let policy = Policy(allowTerminate: .none, rules: [PolicyRule(name: "slow", match: ["fleet": "ambulances"], maxSteps: 2, location: Self.at)])
        let ambulance = ["fleet": "ambulances"]
        var steps = [Self.step(.block, n: 1, note: "t"), Self.step(.restore, n: 2), Self.step(.activate, n: 3), Self.step(.activate, n: 4),
                     Self.step(.terminate, n: 5)]
        let labels = [Fleet.icc(1): ambulance, Fleet.icc(2): ambulance, Fleet.icc(3): ["fleet": "trucks"], Fleet.icc(4): ambulance, Fleet.icc(5): ambulance]
        policy.judge(&steps, labels: labels, clock: nil)
        #expect(steps.map(\.refused) == [false, false, false, true, true])
        #expect(steps[3].verdicts.map(\.reason) == ["beyond the 2 steps a run may take for these SIMs (3 planned); the next run takes it"])
        // The termination is refused for want of --allow-terminate, not by the budget.
        #expect(steps[4].verdicts.isEmpty)
        #expect(policy.refusal(steps[4]) == .notAllowed(Fleet.icc(5)))
    }

    /// The budget admits whole SIMs: a two-step SIM that no longer fits waits whole, and a
    /// later one-step SIM still uses the slot it leaves.
    @Test func maxStepsAdmitsWholeSIMs() {
        let policy = Policy(rules: [PolicyRule(name: "slow", maxSteps: 2, location: Self.at)])
        let sims = [Fleet.sim(1, .active), Fleet.sim(2, .blocked), Fleet.sim(3, .active)]
        let observed = [Fleet.icc(1): Fleet.live("INACTIVE"), Fleet.icc(2): Fleet.live("INACTIVE"), Fleet.icc(3): Fleet.live("BLOCKED")]
        let plan = Planner.plan(desired: sims, observed: observed, policy: policy)
        // Wave 1: restore 3, activate 1, activate 2; wave 2: block 2.
        #expect(plan.steps.map { "\($0.action.rawValue) \($0.icc == Fleet.icc(2) ? 2 : $0.icc == Fleet.icc(1) ? 1 : 3) \($0.refused)" }
                == ["restore 3 false", "activate 1 false", "activate 2 true", "block 2 true"])
    }

    /// An inactive SIM declared blocked takes activate, then block: when the block is
    /// denied, the activate is held back too, or the SIM would go live and stay live.
    @Test func aSIMsStepsAreHeldTogether() {
        let rule = PolicyRule(name: "tickets", requireNote: [.block], location: Self.at)
        let plan = Planner.plan(desired: [Fleet.sim(1, .blocked)], observed: [Fleet.icc(1): Fleet.live("INACTIVE")],
                                policy: Policy(rules: [rule]))
        #expect(plan.steps.map(\.action) == [.activate, .block])
        #expect(plan.steps.allSatisfy { $0.refused })
        #expect(plan.steps[0].verdicts.first?.reason.hasPrefix("held back with this SIM's block step") == true)
        #expect(plan.summary.refused == 2)
    }

    /// The plan judges rules from the SIMs' labels and lists every verdict; with no rules,
    /// nothing is judged and the plan is as before.
    @Test func thePlannerJudgesEveryRule() {
        var prodSIM = Fleet.sim(1, .terminated)
        prodSIM.labels = Self.prod
        let devSIM = Fleet.sim(2, .terminated)
        let observed = [Fleet.icc(1): Fleet.live("ACTIVATED"), Fleet.icc(2): Fleet.live("ACTIVATED")]
        let rules = [PolicyRule(name: "never in prod", match: Self.prod, deny: [.terminate], location: Self.at),
                     PolicyRule(name: "friday", freeze: Self.fridayFreeze, location: Self.at)]
        let plan = Planner.plan(desired: [prodSIM, devSIM], observed: observed, policy: Policy(allowTerminate: .all, rules: rules))
        #expect(plan.steps.map { $0.verdicts.map(\.rule) } == [["never in prod", "friday"], ["friday"]])
        #expect(plan.steps.map(\.refused) == [true, false])
        let unruled = Planner.plan(desired: [prodSIM, devSIM], observed: observed, policy: Policy(allowTerminate: .all))
        #expect(unruled.steps.allSatisfy { $0.verdicts.isEmpty && !$0.refused })
    }

    /// A saved plan narrows: a step it showed denied stays denied at apply after the rule
    /// is gone, and a step it showed allowed is still judged by today's rules.
    @Test func aReviewedDenialStaysUntilPlannedAgain() {
        let rule = PolicyRule(name: "prod", match: Self.prod, deny: [.terminate], location: Self.at)
        var reviewed = [Self.step(.terminate, n: 1), Self.step(.block, n: 2, note: "t")]
        Policy(allowTerminate: .all, rules: [rule]).judge(&reviewed, labels: [Fleet.icc(1): Self.prod], clock: nil)
        #expect(reviewed.map(\.refused) == [true, false])
        var now = [Self.step(.terminate, n: 1), Self.step(.block, n: 2, note: "t")]
        // The rule was removed by a reviewed change after the plan was made.
        Policy(allowTerminate: .all).judge(&now, labels: [Fleet.icc(1): Self.prod], clock: nil, reviewed: reviewed)
        #expect(now.map(\.refused) == [true, false])
        #expect(now[0].verdicts.map(\.reason) == ["the reviewed plan showed it denied (terminate is denied for these SIMs; only a reviewed change to simfleet.yaml lifts it); plan again to send it"])
        #expect(now[0].verdicts.map(\.rule) == ["prod"])
    }
}
