import FleetModel
import NexConAPI
@testable import Planning
import TestSupport
import Testing
import Views

/// Properties that hold for every fleet, checked over random ones from fixed seeds.
@Suite struct PlannerPropertyTests {
    static let words = ["INACTIVE", "ACTIVATED", "BLOCKED", "TERMINATED", "ACTIVE", "SUSPENDED", "NEW", "CANCELLED", "ACTIVATING", "WEIRD"]

    static func randomFleet(seed: UInt64) -> (sims: [DesiredSIM], observed: [ICC: Observation], policy: Policy) {
        var random = SeededGenerator(seed: seed)
        let count = Int.random(in: 1...60, using: &random)
        var sims: [DesiredSIM] = []
        var observed: [ICC: Observation] = [:]
        for n in 0..<count {
            let sim = Fleet.sim(n, SIMState.allCases.randomElement(using: &random)!, protect: Int.random(in: 0..<5, using: &random) == 0)
            sims.append(sim)
            switch Int.random(in: 0..<20, using: &random) {
            case 0: observed[sim.icc] = .notFound
            case 1: observed[sim.icc] = .failed("timeout")
            default: observed[sim.icc] = Fleet.live(words.randomElement(using: &random)!)
            }
        }
        let allowance: TerminateAllowance = switch Int.random(in: 0..<3, using: &random) {
        case 0: .none
        case 1: .all
        default: .only(Set(sims.filter { _ in Bool.random(using: &random) }.map(\.icc)))
        }
        return (sims, observed, Policy(allowTerminate: allowance))
    }

    @Test(arguments: 0..<200)
    func noTerminationIsEverUnrefusedWithoutAnAllowance(seed: UInt64) {
        let (sims, observed, policy) = Self.randomFleet(seed: seed)
        let plan = Planner.plan(desired: sims, observed: observed, policy: policy)
        let protected = Set(sims.filter(\.protect).map(\.icc))
        for step in plan.steps where step.action == .terminate && !step.refused {
            #expect(policy.allowTerminate.allows(step.icc))
            #expect(!protected.contains(step.icc))
        }
        #expect(plan.steps.filter { $0.action == .terminate && !$0.refused }.isEmpty || policy.allowTerminate != .none)
    }

    @Test(arguments: 0..<200)
    func applyingTheStepsReachesTheDesiredState(seed: UInt64) {
        let (sims, observed, policy) = Self.randomFleet(seed: seed)
        let plan = Planner.plan(desired: sims, observed: observed, policy: policy)
        var state: [ICC: SIMState] = [:]
        for sim in plan.sims where sim.outcome == .change { state[sim.icc] = sim.live?.settled }
        for step in plan.steps {
            // Each step starts where the previous one left the SIM.
            #expect(state[step.icc] == step.from)
            if !step.refused { state[step.icc] = step.to }
        }
        for sim in sims where plan.sims.first(where: { $0.icc == sim.icc })?.outcome == .change {
            let refusedTerminate = plan.steps.contains { $0.icc == sim.icc && $0.refused }
            #expect(refusedTerminate || state[sim.icc] == sim.state)
        }
        // Waves are in order and every SIM's steps are in consecutive waves.
        #expect(plan.steps.map(\.wave) == plan.steps.map(\.wave).sorted())
    }

    @Test(arguments: 0..<50)
    func sameInputGivesByteIdenticalOutputWhateverTheOrder(seed: UInt64) {
        let (sims, observed, policy) = Self.randomFleet(seed: seed)
        var random = SeededGenerator(seed: seed ^ 0xABCDEF)
        let context = RenderContext(target: PlanTarget(kind: .api, url: "https://app.nexcon.io"), toolVersion: "test", manifestDigest: "abc")
        let first = Planner.plan(desired: sims, observed: observed, policy: policy)
        let second = Planner.plan(desired: sims.shuffled(using: &random), observed: observed, policy: policy)
        #expect(first == second)
        for format in PlanFormat.allCases {
            #expect(PlanView.render(first, as: format, context: context) == PlanView.render(second, as: format, context: context))
        }
    }
}
