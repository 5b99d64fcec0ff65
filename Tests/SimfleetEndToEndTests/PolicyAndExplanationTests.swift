import Foundation
import TestSupport
import Testing

/// Policy rules and explanations through the built binary, against the simulator binary,
/// in a git repository of the example fleet.
@Suite(.serialized) struct PolicyAndExplanationTests {
    static let key = "policy-secret-key-7e57"

    static let settings = """
        policy:
          - name: retired SIMs stay in the drawer
            match: {fleet: retired}
            deny: [terminate]
          - name: meters are frozen all day
            match: {fleet: meters}
            freeze: {from: "00:00", to: "23:59", timezone: UTC}
          - name: trucks are watched
            match: {fleet: trucks}
            deny: [activate]
            mode: warn

        """

    /// A clone-like folder: the examples and simfleet.yaml, committed as a squash merge would be.
    static func repository(in dir: URL) throws -> GitRepository {
        try GitRepository.withExamples(at: dir, files: ["simfleet.yaml": settings])
    }

    static func run(_ arguments: [String], in dir: URL) async throws -> RunResult {
        try await Simfleet.run(arguments + ["--no-progress"], in: dir, environment: ["NEXCON_API_KEY": key].merging(GitRepository.environment) { $1 })
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The plan lists each rule's verdicts and names who declared each step; apply judges
    /// the rules again from simfleet.yaml, the freeze at its own moment, and neither
    /// --allow-terminate nor --force lifts a denial. The journal records both.
    @Test func denialsHoldAtApplyWhateverTheFlags() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let head = try repo.run(["rev-parse", "HEAD"])
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests",
                                                "--job-duration", "100ms", "--api-key", Self.key], in: dir)
            defer { _ = simulator.stop() }
            let url = String(simulator.firstLine().dropFirst("listening on ".count))
            let planPath = dir.appendingPathComponent("plan.json").path
            let plan = try await Self.run(["plan", "--api-url", url, "--out", planPath, "--format", "markdown"], in: dir)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("- **retired SIMs stay in the drawer**: 1 denied"))
            #expect(plan.stdout.contains("- **meters are frozen all day**: 2 steps covered: frozen every day 00:00–23:59 UTC; judged when apply runs"))
            #expect(plan.stdout.contains("- **trucks are watched**: 2 warned"))
            #expect(plan.stdout.contains("| `\(head.prefix(7))` #5 |"))
            let saved = Self.json(try String(contentsOfFile: planPath, encoding: .utf8))
            let steps = saved["steps"] as? [[String: Any]] ?? []
            #expect(steps.count == 10)
            #expect(steps.allSatisfy { ($0["declared"] as? [String: Any])?["commit"] as? String == head })
            #expect(steps.allSatisfy { ($0["declared"] as? [String: Any])?["pullRequest"] as? Int == 5 })

            let journal = dir.appendingPathComponent("journal.jsonl").path
            let apply = try await Self.run(["apply", planPath, "--api-url", url, "--allow-terminate", "89450100250731070380", "--force",
                                      "--journal", journal, "--format", "json"], in: dir)
            // Denied steps are not converged: the run is partial.
            #expect(apply.status == 3, "\(apply.stderr)")
            #expect(apply.stderr.contains("policy rule 'retired SIMs stay in the drawer': terminate 89450100250731070380 not sent: terminate is denied for these SIMs"))
            #expect(apply.stderr.contains("policy rule 'meters are frozen all day': restore 89460200311200044120 not sent: frozen every day 00:00–23:59 UTC, and apply ran inside it"))
            #expect(apply.stderr.contains("policy rule 'trucks are watched': activate 89450100250731069937 sent, with a warning"))
            let summary = Self.json(apply.stdout)["summary"] as? [String: Int] ?? [:]
            #expect(summary["refused"] == 3 && summary["confirmed"] == 7, "\(apply.stdout)")

            let records = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map { Self.json(String($0)) }
            let intents = Set(records.filter { $0["type"] as? String == "intent" }.map { "\($0["icc"]!) \($0["action"]!)" })
            #expect(!intents.contains("89450100250731070380 terminate"))
            #expect(!intents.contains("89460200311200044120 restore") && !intents.contains("89460200311200044377 restore"))
            #expect(intents.count == 7)
            let outcomes = records.filter { $0["type"] as? String == "outcome" }
            #expect(outcomes.count == 10)
            #expect(outcomes.allSatisfy { ($0["declared"] as? [String: Any])?["commit"] as? String == head })
            let terminate = outcomes.first { $0["action"] as? String == "terminate" }
            #expect((terminate?["policy"] as? [[String: Any]])?.first?["rule"] as? String == "retired SIMs stay in the drawer")
            #expect(terminate?["outcome"] as? String == "refused")
        }
    }

    /// A freeze judged at plan time marks its steps; the same plan file applied is judged
    /// again, so a policy in simfleet.yaml changed by a reviewed commit is what counts. A
    /// plan file edited to drop a denial changes nothing.
    @Test func anEditedPlanFileCannotLiftADenial() async throws {
        try await withTemporaryDirectory { dir in
            _ = try Self.repository(in: dir)
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests",
                                                "--job-duration", "100ms", "--api-key", Self.key], in: dir)
            defer { _ = simulator.stop() }
            let url = String(simulator.firstLine().dropFirst("listening on ".count))
            let planPath = dir.appendingPathComponent("plan.json").path
            #expect(try await Self.run(["plan", "--api-url", url, "--out", planPath, "--target", "89450100250731070380", "--allow-terminate", "all"], in: dir).status == 0)
            var file = Self.json(try String(contentsOfFile: planPath, encoding: .utf8))
            var steps = file["steps"] as! [[String: Any]]
            #expect(steps.count == 1 && steps[0]["refused"] as? Bool == true)
            steps[0]["refused"] = false
            steps[0]["reason"] = NSNull()
            steps[0]["policy"] = [Any]()
            file["steps"] = steps
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: planPath))
            let apply = try await Self.run(["apply", planPath, "--api-url", url, "--allow-terminate", "all", "--force", "--format", "json"], in: dir)
            #expect(apply.status == 3, "\(apply.stderr)")
            #expect(Self.json(apply.stdout)["summary"].flatMap { $0 as? [String: Int] }?["refused"] == 1)
            let calls = try await send("\(url)/_simulator/calls", method: "GET", key: Self.key).json["calls"] as? [[String: Any]] ?? []
            #expect(!calls.contains { ($0["path"] as? String ?? "").contains("terminate") }, "\(calls)")
        }
    }

    /// A step budget over a sequence of runs: each apply (planning afresh) sends at most
    /// maxSteps, the next takes the rest, every action is sent once, and the fleet converges
    /// but for the termination nobody allowed.
    @Test func aStepBudgetIsSpentRunByRun() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            try repo.write("simfleet.yaml", "policy:\n  - name: four at a time\n    match: {}\n    maxSteps: 4\n")
            try repo.commit("Four steps a run")
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests",
                                                "--job-duration", "50ms", "--api-key", Self.key], in: dir)
            defer { _ = simulator.stop() }
            let url = String(simulator.firstLine().dropFirst("listening on ".count))
            var sent: [Int] = []
            for _ in 0..<4 {
                let apply = try await Self.run(["apply", "manifests", "--api-url", url, "--auto-approve", "--format", "json"], in: dir)
                let summary = Self.json(apply.stdout)["summary"] as? [String: Int] ?? [:]
                sent.append(summary["confirmed"] ?? -1)
            }
            // 9 sendable steps (one SIM takes two): 4, 4, then 1; the fourth run has nothing left but the termination.
            #expect(sent == [4, 4, 1, 0])
            let calls = try await send("\(url)/_simulator/calls", method: "GET", key: Self.key).json["calls"] as? [[String: Any]] ?? []
            let effective = EffectiveActions.count(json: calls)
            #expect(effective.count == 9 && effective.values.allSatisfy { $0 == 1 }, "\(effective)")
            let after = try await Self.run(["plan", "--api-url", url, "--detailed-exitcode"], in: dir)
            #expect(after.status == 2 && after.stdout.contains("Plan: 0 to activate, 0 to block, 0 to restore, 1 to terminate (1 refused)."), "\(after.stdout)")
        }
    }

    /// Text names each step's declaration only with --explain; outside a git work tree the
    /// plan says why once, and the JSON carries no declared object.
    @Test func explainInTextAndOutsideAWorkTree() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let head = try repo.run(["rev-parse", "--short=7", "HEAD"])
            let explained = try await Self.run(["plan", "--simulator", "--explain"], in: dir)
            #expect(explained.status == 0, "\(explained.stderr)")
            #expect(explained.stdout.contains("      declared manifests/vehicles/trucks.yaml:32:12 · \(head) #5 · simfleet tests · "), "\(explained.stdout)")
            #expect(!(try await Self.run(["plan", "--simulator"], in: dir)).stdout.contains("declared manifests/"))
        }
        let outside = try await Simfleet.run(["plan", "--simulator", "--explain", "--no-progress"], environment: ["GIT_CEILING_DIRECTORIES": FileManager.default.temporaryDirectory.path])
        #expect(outside.stdout.components(separatedBy: "Not explained: the manifests are not in a git work tree").count == 2, "\(outside.stdout)")
        let json = try await Simfleet.run(["plan", "--simulator", "--format", "json", "--no-progress"], environment: ["GIT_CEILING_DIRECTORIES": FileManager.default.temporaryDirectory.path])
        #expect(!json.stdout.contains("\"declared\":{"))
        #expect(json.stdout.contains("\"explanations\":{\"unavailable\":\"the manifests are not in a git work tree, so no step names the commit that declared it\"}"))
    }

    /// validate checks simfleet.yaml's policy with located errors, and exits 1.
    @Test func validateReportsPolicyMistakes() async throws {
        try await withTemporaryDirectory { dir in
            _ = try Self.repository(in: dir)
            try Data("policy:\n  - name: x\n    deny: [terminat]\n    freeze: {from: \"9\", to: \"10:00\", timezone: Mars/Olympus}\n".utf8)
                .write(to: dir.appendingPathComponent("simfleet.yaml"))
            let result = try await Simfleet.run(["validate", "manifests"], in: dir)
            #expect(result.status == 1)
            #expect(result.stdout.contains("simfleet.yaml:3:12: error: 'terminat' in 'deny' is not an action"), "\(result.stdout)")
            #expect(result.stdout.contains("simfleet.yaml:4:20: error: 'freeze.from' is '9'"), "\(result.stdout)")
            #expect(result.stdout.contains("simfleet.yaml:4:48: error: 'freeze.timezone' is 'Mars/Olympus'"), "\(result.stdout)")
        }
    }
}
