import FleetModel
import Planning
import TestSupport
import Testing

/// The one home of every safety verdict, as tables.
@Suite struct PolicyTests {
    static func step(_ action: SIMAction, protect: Bool = false, n: Int = 1) -> Step {
        Step(icc: Fleet.icc(n), name: nil, action: action, from: .active, to: action.target, wave: 1, protect: protect,
             location: SourceLocation(path: "m.yaml", line: n, column: 5))
    }

    @Test(arguments: [
        (SIMAction.terminate, false, TerminateAllowance.none, Refusal?.some(.notAllowed(Fleet.icc(1)))),
        (.terminate, false, .all, nil),
        (.terminate, false, .only([Fleet.icc(1)]), nil),
        (.terminate, false, .only([Fleet.icc(2)]), .notAllowed(Fleet.icc(1))),
        (.terminate, true, .all, .protected),
        (.terminate, true, .none, .protected),
        (.block, true, .none, nil),
        (.activate, false, .none, nil),
        (.restore, false, .none, nil),
    ])
    func whichStepsAreRefused(action: SIMAction, protect: Bool, allowance: TerminateAllowance, expected: Refusal?) {
        let policy = Policy(allowTerminate: allowance)
        #expect(policy.refusal(Self.step(action, protect: protect)) == expected)
    }

    /// The plan and the apply report say the same words.
    @Test func oneMessagePerRefusal() {
        let sims = [Fleet.sim(1, .terminated), Fleet.sim(2, .terminated, protect: true)]
        let plan = Planner.plan(desired: sims, observed: [Fleet.icc(1): Fleet.live("ACTIVATED"), Fleet.icc(2): Fleet.live("ACTIVATED")], policy: Policy())
        #expect(plan.steps.map(\.reason) == [Refusal.notAllowed(Fleet.icc(1)).message, Refusal.protected.message])
        #expect(Refusal.notAllowed(Fleet.icc(1)).message == "not allowed: run apply with --allow-terminate \(Fleet.icc(1)) (the terminate workflow)")
    }

    @Test(arguments: [
        // disruptive, managed, percent, minimum -> exceeded
        (4, 10, 10.0, 5, false), (5, 10, 10.0, 5, true), (5, 100, 10.0, 5, false), (11, 100, 10.0, 5, true),
        (3, 10, 10.0, 2, true), (50, 100, 50.0, 5, false), (51, 100, 50.0, 5, true),
    ])
    func theBlastRadius(disruptive: Int, managed: Int, percent: Double, minimum: Int, exceeded: Bool) {
        let policy = Policy(allowTerminate: .none, statusMapping: .standard, blastRadiusPercent: percent, blastRadiusMinimum: minimum)
        let steps = (0..<disruptive).map { Self.step(.block, n: $0) }
        #expect(policy.blastRadius(of: steps, managed: managed).exceeded == exceeded)
    }

    @Test func settingsAreMergedOverTheDefaults() {
        let merged = Policy(allowTerminate: .none, statusMapping: .standard, blastRadiusPercent: nil, blastRadiusMinimum: 2)
        #expect(merged.blastRadius == BlastRadiusLimit(percent: 10, minimum: 2))
    }

    @Test(arguments: [
        (1, nil), (2, "SF-ALLOW-TERMINATE-PROTECTED"), (3, "SF-ALLOW-TERMINATE-NOT-DECLARED"), (9, "SF-ALLOW-TERMINATE-UNDECLARED"),
    ] as [(Int, String?)])
    func allowancesMustBeBackedByTheManifests(n: Int, code: String?) {
        let sims = [Fleet.sim(1, .terminated), Fleet.sim(2, .blocked, protect: true), Fleet.sim(3, .active)]
        let problems = Policy(allowTerminate: .only([Fleet.icc(n)])).allowanceProblems(declared: sims)
        if let code {
            #expect(coded(problems) == ["--allow-terminate: error: \(code)"])
            // The message names the ICC, and where the manifest says otherwise.
            #expect(problems.first?.message.hasPrefix("ICC \(Fleet.icc(n)) ") == true)
            if n != 9 { #expect(problems.first?.message.contains("fleet.yaml:\(n + 1):") == true, "\(problems)") }
        } else {
            #expect(problems.isEmpty)
        }
        #expect(Policy(allowTerminate: .all).allowanceProblems(declared: sims).isEmpty)
    }
}

extension PolicyTests {
    /// A saved plan narrowed by targets: only matching steps, and never an ICC out of scope.
    @Test func narrowingASavedPlan() {
        let desired = [Fleet.sim(1, .blocked), Fleet.sim(2, .blocked), Fleet.sim(3, .active)]
        let steps = [Self.step(.block, n: 1), Self.step(.block, n: 2)]
        let one = Policy.narrow(steps, by: Targeting(iccs: [Fleet.icc(2)]), inScope: desired, targetSource: "--target", planPath: "p.json")
        #expect((try? one.get())?.map(\.icc) == [Fleet.icc(2)])
        guard case .failure(let unknown) = Policy.narrow(steps, by: Targeting(iccs: [Fleet.icc(9)]), inScope: desired, targetSource: "--target", planPath: "p.json"),
              case .failure(let none) = Policy.narrow(steps, by: Targeting(iccs: [Fleet.icc(3)]), inScope: desired, targetSource: "--target", planPath: "p.json")
        else { Issue.record("narrowing to nothing was accepted"); return }
        #expect(coded(unknown.diagnostics) == ["--target: error: SF-TARGET-UNDECLARED"])
        #expect(coded(none.diagnostics) == ["p.json: error: SF-TARGET-NO-MATCH"])
    }
}
