import FleetModel
import Foundation
import NexConAPI
@testable import Planning
import TestSupport
import Testing
import Views

/// The plan file: what is written reads back, a damaged file is refused whole, and an
/// edited one can never make apply do what a fresh plan from the manifests would not.
@Suite struct PlanFileTests {
    static let odd = ["truck-042", "naïve café 🚚", "esc\u{1B}[2J", "cr\r\nlf", "quote\"back\\slash", "@ops |pipe|", ""]

    /// A random plan file with every optional field present or absent at random.
    static func randomFile(seed: UInt64) -> PlanFile {
        var random = SeededGenerator(seed: seed)
        var (sims, observed, policy) = PlannerPropertyTests.randomFleet(seed: seed)
        for index in sims.indices {
            sims[index].name = Bool.random(using: &random) ? nil : odd.randomElement(using: &random)
            sims[index].callbackURL = Bool.random(using: &random) ? nil : "https://ops.example.com/\(index)"
        }
        policy.blastRadius = BlastRadiusLimit(percent: [10, 12.5, 0.1 + 0.2, 100].randomElement(using: &random)!,
                                              minimum: Int.random(in: 0...9, using: &random))
        var plan = Planner.plan(desired: sims, observed: observed, policy: policy)
        for index in plan.steps.indices where Bool.random(using: &random) {
            plan.steps[index].note = odd.randomElement(using: &random)
        }
        for index in plan.steps.indices where Bool.random(using: &random) {
            plan.steps[index].verdicts = [RuleVerdict(rule: odd.randomElement(using: &random)!, effect: [.deny, .warn, .freeze].randomElement(using: &random)!,
                                                      reason: odd.randomElement(using: &random)!)]
        }
        for sim in plan.sims where Bool.random(using: &random) {
            let committed = Bool.random(using: &random)
            plan.explanations.declared[sim.icc] = Declaration(
                line: SourceLocation(path: "odd dir/x.yaml", line: Int.random(in: 1...900, using: &random), column: 3),
                commit: committed ? DeclaringCommit(id: String(repeating: "c0ffee", count: 7).prefix(40).description, author: odd.randomElement(using: &random)!,
                                                    authorTime: Int64.random(in: 0...2_000_000_000, using: &random), authorZone: ["+0100", "-0930", "+0000"].randomElement(using: &random)!,
                                                    subject: odd.randomElement(using: &random)!, pullRequest: Bool.random(using: &random) ? nil : Int.random(in: 1...99_999, using: &random))
                    : nil)
        }
        if Bool.random(using: &random) { plan.explanations.unavailable = "git blame failed for odd\u{1B} file" }
        plan.warnings.append(PlanIssue(icc: nil, name: nil, location: nil, message: "whole-plan \u{1B} warning"))
        plan.errors.append(PlanIssue(icc: sims[0].icc, name: "n", location: SourceLocation(path: "only/a/path.yaml"), message: "x"))
        let targets = sims.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }.map(\.icc)
        let labels = Bool.random(using: &random) ? [:] : ["depot": odd.randomElement(using: &random)!]
        return PlanFile(plan: plan, simfleetVersion: "0.\(seed)", target: PlanTarget(kind: Bool.random(using: &random) ? .api : .simulator,
                                                                                    url: "https://app.nexcon.io/\(seed)"),
                        manifestDigest: String(repeating: "ab", count: 32), scope: PlanScope(paths: ["manifests", "odd dir/x.yaml"], targets: targets, labels: labels))
    }

    @Test(arguments: 0..<100)
    func writtenPlansReadBackEqual(seed: UInt64) throws {
        let file = Self.randomFile(seed: seed)
        let decoded = try PlanFile.decode(Array(file.encoded().utf8), path: "plan.json").get()
        #expect(decoded == file)
        // And the renderers' JSON is the file.
        let context = RenderContext(target: file.target, toolVersion: file.simfleetVersion, manifestDigest: file.manifestDigest, scope: file.scope)
        #expect(PlanView.json(file.plan, context: context) == file.encoded())
    }

    /// A genuine plan as JSON, edited by `edit`, must be refused with `message`.
    static let damaged: [(name: String, message: String, edit: @Sendable (inout [String: Any]) -> Void)] = [
        ("older format", "plan format 4 was written by an older simfleet", { $0["formatVersion"] = 4 }),
        ("newer format", "plan format 6 was written by a newer simfleet", { $0["formatVersion"] = 6 }),
        ("unknown verdict", "policy verdict 1 has unknown effect 'allow'", { editStep(&$0, 0) { $0["policy"] = [["rule": "r", "effect": "allow", "reason": "x"]] } }),
        ("declared commit", "'declared.commit' is not a commit id", { editStep(&$0, 0) {
            $0["declared"] = ["source": ["path": "a.yaml", "line": 2, "column": 3], "committed": true, "commit": "HEAD", "author": "a",
                              "authorTime": 0, "authorZone": "+0000", "subject": "s", "pullRequest": NSNull()]
        } }),
        ("declared twice, differently", "'declared' differs from its SIM's", { plan in
            let declared: [String: Any] = ["source": ["path": "a.yaml", "line": 2, "column": 3], "committed": false]
            editStep(&plan, 0) { $0["declared"] = declared }
            var sims = plan["sims"] as! [[String: Any]]
            let icc = (plan["steps"] as! [[String: Any]])[0]["icc"] as! String
            let index = sims.firstIndex { $0["icc"] as! String == icc }!
            sims[index]["declared"] = ["source": ["path": "a.yaml", "line": 9, "column": 3], "committed": false]
            plan["sims"] = sims
        }),
        ("missing field", "'scope' is missing", { $0["scope"] = nil }),
        ("wrong type", "'steps.1.wave' has the wrong type", { editStep(&$0, 0) { $0["wave"] = "one" } }),
        ("unknown action", "step 1 (explode 89450100250730000065): unknown action 'explode'", { editStep(&$0, 0) { $0["action"] = "explode" } }),
        ("bad ICC", "'89450100250730000000' is not a valid ICC", { editStep(&$0, 0) { $0["icc"] = "89450100250730000000" } }),
        ("to that the action cannot reach", "block leads to blocked, not active", { editStep(&$0, 0) { $0["to"] = "active" } }),
        ("wave zero", "wave 0 is not a positive number", { editStep(&$0, 0) { $0["wave"] = 0 } }),
        ("step twice", "is listed twice, as step 1 and step 2", { plan in
            var steps = plan["steps"] as! [Any]
            steps.insert(steps[0], at: 1)
            plan["steps"] = steps
        }),
        ("digest", "'manifestDigest' is not a SHA-256 digest", { $0["manifestDigest"] = "abc" }),
        ("version with markup", "'simfleetVersion' is not a version", { $0["simfleetVersion"] = "1.0 <img src=x onerror=alert(1)>" }),
        ("target kind", "unknown plan target 'prod'", { $0["target"] = ["kind": "prod", "url": "x"] }),
        ("merge-base", "'scope.changedSince.mergeBase' is not a commit id", { plan in
            var scope = plan["scope"] as! [String: Any]
            scope["changedSince"] = ["ref": "main", "mergeBase": "HEAD~3", "unchanged": 0, "removed": [Any]()]
            plan["scope"] = scope
        }),
    ]

    static func editStep(_ plan: inout [String: Any], _ index: Int, _ edit: (inout [String: Any]) -> Void) {
        var steps = plan["steps"] as! [[String: Any]]
        edit(&steps[index])
        plan["steps"] = steps
    }

    static func genuine() -> PlanFile {
        let sims = [Fleet.sim(6, .blocked), Fleet.sim(7, .terminated), Fleet.sim(8, .active)]
        let observed = [sims[0].icc: Fleet.live("ACTIVATED"), sims[1].icc: Fleet.live("BLOCKED"), sims[2].icc: Fleet.live("INACTIVE")]
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        return PlanFile(plan: plan, simfleetVersion: "t", target: PlanTarget(kind: .api, url: "https://app.nexcon.io"),
                        manifestDigest: ManifestDigest.of(sims), scope: PlanScope(paths: ["manifests"]))
    }

    @Test(arguments: damaged.indices)
    func damagedFilesAreRefusedWhole(index: Int) throws {
        let (_, message, edit) = Self.damaged[index]
        var json = try JSONSerialization.jsonObject(with: Data(Self.genuine().encoded().utf8)) as! [String: Any]
        edit(&json)
        let bytes = Array(try JSONSerialization.data(withJSONObject: json))
        switch PlanFile.decode(bytes, path: "plan.json") {
        case .success: Issue.record("an edited file was accepted")
        case .failure(let error):
            #expect(Set(error.diagnostics.map(\.code)).isSubset(of: [.planInvalid, .planNotAPlan, .planFormat]), "\(error.diagnostics)")
            #expect(error.diagnostics.allSatisfy { $0.location == SourceLocation(path: "plan.json") })
            // Which field is wrong is told in the message; the code only names the rule.
            #expect(error.diagnostics.contains { $0.message.contains(message) }, "\(error.diagnostics)")
        }
    }

    @Test func notJSONIsNotAPlan() {
        guard case .failure(let error) = PlanFile.decode(Array("steps: []".utf8), path: "p.json") else { Issue.record("accepted"); return }
        #expect(coded(error.diagnostics) == ["p.json: error: SF-PLAN-NOT-A-PLAN"])
    }

    // MARK: Binding to the manifests

    static let manifests = [Fleet.sim(6, .blocked), Fleet.sim(7, .terminated), Fleet.sim(8, .active), Fleet.sim(9, .active, protect: true)]

    func authorize(_ file: PlanFile, policy: Policy = Policy(allowTerminate: .all)) -> Result<[Step], PlanFileError> {
        file.authorizedSteps(inScope: Self.manifests, policy: policy, path: "plan.json")
    }

    @Test func aGenuinePlanIsRebuiltFromTheManifests() throws {
        var file = Self.genuine()
        // Flags in the file grant nothing: protect, refused, names and callbacks are re-derived.
        for index in file.plan.steps.indices {
            file.plan.steps[index].refused = false
            file.plan.steps[index].name = "edited"
            file.plan.steps[index].callbackURL = "https://attacker.example"
        }
        let steps = try authorize(file, policy: Policy()).get()
        #expect(steps.map { "\($0.action) \($0.icc)" } == ["block 89450100250730000065", "activate 89450100250730000081", "terminate 89450100250730000073"])
        #expect(steps.allSatisfy { $0.name?.hasPrefix("unit-") == true && $0.callbackURL == nil })
        #expect(steps.last?.refused == true, "no --allow-terminate at apply time")
    }

    @Test(arguments: [
        ("a step for an ICC no manifest declares", "no manifest in the plan's scope declares this ICC"),
        ("terminating a protected SIM", "does not lead from active to its desired state active"),
        ("blocking a SIM the manifests want active", "does not lead from active to its desired state active"),
        ("moving a step to another wave", "block 89450100250730000065 is in wave 3, but its place is wave 1"),
    ])
    func editedStepsAreRefused(edit: String, message: String) throws {
        var file = Self.genuine()
        switch edit {
        case "a step for an ICC no manifest declares":
            file.plan.steps.append(Step(icc: Fleet.icc(50), name: nil, action: .block, from: .active, to: .blocked, wave: 1, location: SourceLocation(path: "")))
        case "terminating a protected SIM":
            file.plan.steps.append(Step(icc: Fleet.icc(9), name: nil, action: .terminate, from: .active, to: .terminated, wave: 2, location: SourceLocation(path: "")))
        case "blocking a SIM the manifests want active":
            file.plan.steps.append(Step(icc: Fleet.icc(8), name: nil, action: .block, from: .active, to: .blocked, wave: 1, location: SourceLocation(path: "")))
            file.plan.steps.removeAll { $0.icc == Fleet.icc(8) && $0.action == .activate }
        default:
            file.plan.steps[0].wave = 3
        }
        guard case .failure(let error) = authorize(file) else { Issue.record("an edited plan was authorized"); return }
        #expect(error.diagnostics.allSatisfy { $0.code == .planUnauthorized }, "\(error.diagnostics)")
        #expect(error.diagnostics.contains { $0.message.contains(message) && $0.message.hasSuffix("plan again rather than editing the file. Nothing was sent.") },
                "\(error.diagnostics)")
    }

    // MARK: The property

    /// Random edits a person could make to a plan file.
    static func edit(_ file: inout PlanFile, using random: inout SeededGenerator, sims: [DesiredSIM]) {
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let steps = file.plan.steps
            switch Int.random(in: 0..<9, using: &random) {
            case 0 where !steps.isEmpty:
                let i = Int.random(in: steps.indices, using: &random)
                file.plan.steps[i].protect.toggle()
                file.plan.steps[i].refused.toggle()
            case 1 where !steps.isEmpty:
                file.plan.steps[Int.random(in: steps.indices, using: &random)].action = SIMAction.allCases.randomElement(using: &random)!
            case 2 where !steps.isEmpty:
                file.plan.steps.remove(at: Int.random(in: steps.indices, using: &random))
            case 3 where !steps.isEmpty:
                file.plan.steps.append(steps.randomElement(using: &random)!)
            case 4:
                let action = SIMAction.allCases.randomElement(using: &random)!
                let from = SIMState.allCases.randomElement(using: &random)!
                file.plan.steps.append(Step(icc: sims.randomElement(using: &random)!.icc, name: nil, action: action, from: from,
                                            to: action.target, wave: Int.random(in: 1...3, using: &random), location: SourceLocation(path: "")))
            case 5 where !steps.isEmpty:
                file.plan.steps[Int.random(in: steps.indices, using: &random)].from = SIMState.allCases.randomElement(using: &random)!
            case 6 where !steps.isEmpty:
                file.plan.steps[Int.random(in: steps.indices, using: &random)].wave = Int.random(in: 1...4, using: &random)
            case 7:
                file.plan.summary.managed = Int.random(in: 0...1_000_000, using: &random)
                file.plan.blastRadius.managed = file.plan.summary.managed
            default:
                file.plan.errors = []
            }
        }
    }

    @Test(arguments: 0..<300)
    func anEditedFileNeverWidensWhatApplySends(seed: UInt64) {
        var random = SeededGenerator(seed: seed &* 7919)
        let (rawSims, observed, planPolicy) = PlannerPropertyTests.randomFleet(seed: seed)
        // What validate lets through: protect and terminated never together.
        let sims = rawSims.map { sim in var copy = sim; if copy.state == .terminated { copy.protect = false }; return copy }
        let plan = Planner.plan(desired: sims, observed: observed, policy: planPolicy)
        var file = PlanFile(plan: plan, simfleetVersion: "t", target: PlanTarget(kind: .api, url: "https://x"),
                            manifestDigest: ManifestDigest.of(sims), scope: PlanScope(paths: ["m"]))
        Self.edit(&file, using: &random, sims: sims)
        let applyPolicy = Policy(allowTerminate: [.none, .all].randomElement(using: &random)!)
        guard case .success(let decoded) = PlanFile.decode(Array(file.encoded().utf8), path: "p.json"),
              case .success(let steps) = decoded.authorizedSteps(inScope: sims, policy: applyPolicy, path: "p.json")
        else { return } // refused whole: nothing is sent
        let protected = Set(sims.filter(\.protect).map(\.icc))
        for step in steps where !step.refused {
            #expect(!(step.action == .terminate && protected.contains(step.icc)))
            // A fresh plan, made when the SIM is where apply would send this step, holds the same step.
            let sim = sims.first { $0.icc == step.icc }!
            let fresh = Planner.plan(desired: [sim], observed: [sim.icc: Fleet.live(TestStatus.word(step.from))], policy: applyPolicy)
            #expect(fresh.steps.contains { $0.action == step.action && $0.from == step.from && !$0.refused },
                    "\(step.action) \(step.icc) from \(step.from) is not in a fresh plan")
        }
        // The managed count and protect flags never come from the file.
        #expect(steps.allSatisfy { $0.protect == protected.contains($0.icc) })
    }

}
