import FleetModel
import NexConAPI
@testable import Planning
import TestSupport
import Testing

@Suite struct PlannerTableTests {
    enum Expected: Equatable {
        case unchanged
        case steps([SIMAction])
        case error(String)
        case pending
    }

    static let liveStatuses: [(String, Observation)] = [
        ("inactive", Fleet.live("INACTIVE")), ("active", Fleet.live("ACTIVATED")),
        ("blocked", Fleet.live("BLOCKED")), ("terminated", Fleet.live("TERMINATED")),
        ("pending", Fleet.live("BLOCKING")),
    ]

    /// Every live state against every desired state.
    static let table: [(live: String, desired: SIMState, expected: Expected)] = [
        ("inactive", .inactive, .unchanged),
        ("inactive", .active, .steps([.activate])),
        ("inactive", .blocked, .steps([.activate, .block])),
        ("inactive", .terminated, .steps([.terminate])),
        ("active", .inactive, .error("it is active and NexCon has no call that makes a SIM inactive again; choose blocked instead")),
        ("active", .active, .unchanged),
        ("active", .blocked, .steps([.block])),
        ("active", .terminated, .steps([.terminate])),
        ("blocked", .inactive, .error("it is blocked and NexCon has no call that makes a SIM inactive again; choose blocked instead")),
        ("blocked", .active, .steps([.restore])),
        ("blocked", .blocked, .unchanged),
        ("blocked", .terminated, .steps([.terminate])),
        ("terminated", .inactive, .error("it is terminated, which cannot be undone; set 'state: terminated' or remove it from the manifests")),
        ("terminated", .active, .error("it is terminated, which cannot be undone; set 'state: terminated' or remove it from the manifests")),
        ("terminated", .blocked, .error("it is terminated, which cannot be undone; set 'state: terminated' or remove it from the manifests")),
        ("terminated", .terminated, .unchanged),
        ("pending", .inactive, .pending), ("pending", .active, .pending),
        ("pending", .blocked, .pending), ("pending", .terminated, .pending),
    ]

    @Test(arguments: table.indices)
    func everyLiveStateAgainstEveryDesiredState(index: Int) {
        let row = Self.table[index]
        let observation = Self.liveStatuses.first { $0.0 == row.live }!.1
        let sim = Fleet.sim(1, row.desired)
        let plan = Planner.plan(desired: [sim], observed: [sim.icc: observation], policy: Policy(allowTerminate: .all))
        switch row.expected {
        case .unchanged:
            #expect(plan.steps.isEmpty && plan.errors.isEmpty && plan.summary.unchanged == 1)
        case .steps(let actions):
            #expect(plan.steps.map(\.action) == actions)
            #expect(plan.steps.allSatisfy { !$0.refused })
            #expect(plan.sims.first?.outcome == .change)
            #expect(plan.steps.last?.to == row.desired)
        case .error(let message):
            #expect(plan.steps.isEmpty)
            #expect(plan.errors.map(\.message) == [message])
            // Unreachable states point at the manifest's state: line.
            #expect(plan.errors.first?.location == sim.stateLocation)
        case .pending:
            #expect(plan.steps.isEmpty && plan.summary.pending == 1)
            #expect(plan.warnings.map(\.message) == ["job in progress (live status BLOCKING), re-run later"])
        }
    }

    @Test func twoStepSIMsActivateInWaveOneAndBlockInWaveTwoWithANote() {
        let sim = Fleet.sim(1, .blocked)
        let plan = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live("INACTIVE")], policy: Policy())
        #expect(plan.steps.map { "\($0.action.rawValue)@\($0.wave) \($0.from.rawValue)->\($0.to.rawValue)" } == [
            "activate@1 inactive->active", "block@2 active->blocked",
        ])
        #expect(plan.steps[0].note == "activated first so it can be blocked: the SIM is briefly live")
    }

    @Test(arguments: [
        (TerminateAllowance.none, false, true, "not allowed: run apply with --allow-terminate 89450100250730000016 (the terminate workflow)"),
        (.all, false, false, nil),
        (.only([Fleet.icc(1)]), false, false, nil),
        (.only([Fleet.icc(2)]), false, true, "not allowed: run apply with --allow-terminate 89450100250730000016 (the terminate workflow)"),
        (.all, true, true, "protected: the manifest sets protect: true"),
        (.only([Fleet.icc(1)]), true, true, "protected: the manifest sets protect: true"),
    ] as [(TerminateAllowance, Bool, Bool, String?)])
    func terminateGuard(allowance: TerminateAllowance, protect: Bool, refused: Bool, reason: String?) {
        let sim = Fleet.sim(1, .terminated, protect: protect)
        let plan = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live("ACTIVATED")], policy: Policy(allowTerminate: allowance))
        #expect(plan.steps.count == 1)
        #expect(plan.steps.first?.refused == refused)
        #expect(plan.steps.first?.reason == reason)
        #expect(plan.summary.refused == (refused ? 1 : 0))
    }

    @Test func wavesOrderBlockRestoreActivateByICCAndTerminationsLast() {
        let sims = [
            Fleet.sim(5, .active), Fleet.sim(4, .blocked), Fleet.sim(3, .active), Fleet.sim(2, .terminated),
            Fleet.sim(1, .blocked), Fleet.sim(6, .active),
        ]
        let observed: [ICC: Observation] = [
            sims[0].icc: Fleet.live("INACTIVE"), sims[1].icc: Fleet.live("inactive"), sims[2].icc: Fleet.live("BLOCKED"),
            sims[3].icc: Fleet.live("ACTIVATED"), sims[4].icc: Fleet.live("ACTIVATED"), sims[5].icc: Fleet.live("INACTIVE"),
        ]
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy(allowTerminate: .all))
        #expect(plan.steps.map { "\($0.wave) \($0.action.rawValue) \($0.icc.digits.suffix(2))" } == [
            "1 block 16", "1 restore 32", "1 activate 40", "1 activate 57", "1 activate 65",
            "2 block 40", "3 terminate 24",
        ])
    }

    @Test func readProblemsAreErrorsForThatSIMOnly() {
        let sims = [Fleet.sim(1, .active), Fleet.sim(2, .active), Fleet.sim(3, .active), Fleet.sim(4, .active)]
        let observed: [ICC: Observation] = [
            sims[0].icc: .notFound, sims[1].icc: .failed("no answer in time (timeout); gave up after 6 attempts"),
            sims[2].icc: Fleet.live("FROZEN"), sims[3].icc: Fleet.live("INACTIVE"),
        ]
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        #expect(plan.errors.map(\.message) == [
            "ICC not found in this account; check the ICC, or that the API key belongs to the account that owns it",
            "could not read its live status: no answer in time (timeout); gave up after 6 attempts",
            "unrecognised live status 'FROZEN'; map it under 'statusMap:' in simfleet.yaml if you know what it means",
        ])
        #expect(plan.steps.map(\.action) == [.activate])
        #expect(plan.summary.errors == 3)
    }

    @Test func statusMappingIsCaseInsensitiveAndConfigurable() {
        let sim = Fleet.sim(1, .active)
        let custom = StatusMapping.standard.extended(with: [.active: ["LIVE"]])
        let plan = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live("live")], policy: Policy(statusMapping: custom))
        #expect(plan.summary.unchanged == 1)
        let replaced = StatusMapping([.active: ["LIVE"]])
        let strict = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live("ACTIVATED")], policy: Policy(statusMapping: replaced))
        #expect(strict.summary.errors == 1)
    }

    @Test func driftWarningsMatchSubsetsAndMaskPhoneNumbers() {
        let sim = Fleet.sim(1, .active, expect: [
            "countryCode": .text("DK"), "tags": .list([.text("gps")]), "product": .mapping(["id": .text("12")]),
            "msisdn": .text("4512345678"),
        ])
        let facts: [String: JSONValue] = [
            "countryCode": .string("SE"), "tags": .array([.string("fleet"), .string("gps")]),
            "product": .object(["id": .number("12"), "name": .string("IoT")]), "msisdn": .string("4587654321"),
        ]
        let plan = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live("ACTIVATED", facts)], policy: Policy())
        #expect(plan.warnings.map(\.message) == [
            "drift: expect.countryCode is 'DK', live is 'SE'",
            "drift: expect.msisdn is ••••••5678, live is ••••••4321",
        ])
        #expect(plan.steps.isEmpty)
    }

    @Test(arguments: [(4, 4, false), (5, 49, true), (5, 50, false), (6, 50, true), (20, 200, false), (21, 200, true)])
    func blastRadiusNeedsMoreThanTenPercentAndAtLeastFive(blocks: Int, managed: Int, exceeded: Bool) {
        let sims = (0..<managed).map { Fleet.sim($0, $0 < blocks ? .blocked : .active) }
        let observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) })
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        #expect(plan.blastRadius.disruptive == blocks)
        #expect(plan.blastRadius.exceeded == exceeded)
        #expect(plan.warnings.contains { $0.message.hasSuffix("apply will need --force") } == exceeded)
    }

    /// The plan shows the verdict apply enforces: a termination this run does not allow
    /// could still be allowed to apply, so it counts; only a protected one cannot.
    @Test func everyTerminationThatCouldBeAllowedCountsTowardsTheBlastRadius() {
        let sims = (0..<10).map { Fleet.sim($0, .terminated, protect: $0 >= 8) }
        let observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) })
        for allowance in [TerminateAllowance.none, .all] {
            let plan = Planner.plan(desired: sims, observed: observed, policy: Policy(allowTerminate: allowance))
            #expect(plan.blastRadius.disruptive == 8)
            #expect(plan.blastRadius.exceeded)
        }
    }
}

/// A declared-only plan (`plan --offline`): each SIM taken to be where the base declared
/// it, a new one to be inactive; no live status, no drift warnings.
@Suite struct DeclaredOnlyPlannerTests {
    @Test(arguments: [
        (SIMState?.some(.active), SIMState.blocked, [SIMAction.block]),
        (.some(.blocked), .active, [.restore]),
        (.some(.active), .active, []),
        (nil, .active, [.activate]),
        (nil, .blocked, [.activate, .block]),
        (nil, .inactive, []),
        (.some(.blocked), .terminated, [.terminate]),
    ] as [(SIMState?, SIMState, [SIMAction])])
    func eachSIMStartsWhereTheBaseDeclaredIt(base: SIMState?, desired: SIMState, steps: [SIMAction]) {
        let sim = Fleet.sim(1, desired)
        let plan = Planner.plan(desired: [sim], assumed: base.map { [sim.icc: $0] } ?? [:], policy: Policy(allowTerminate: .all))
        #expect(plan.steps.map(\.action) == steps)
        #expect(plan.sims.first?.observed == nil && plan.sims.first?.live == LiveState(base ?? .inactive))
        #expect(plan.sims.first?.outcome == (steps.isEmpty ? .unchanged : .change))
        #expect(plan.errors.isEmpty && plan.warnings.isEmpty)
    }

    /// The policy judges declared-only steps as any: protect and the terminate allowance win.
    @Test func protectAndTheAllowanceStillRefuse() {
        let protected = Fleet.sim(1, .terminated, protect: true), other = Fleet.sim(2, .terminated)
        let plan = Planner.plan(desired: [protected, other], assumed: [protected.icc: .active, other.icc: .active], policy: Policy())
        #expect(plan.steps.map(\.refused) == [true, true], "no --allow-terminate: \(plan.steps.map(\.reason))")
        #expect(plan.summary.refused == 2)
    }
}
