import FleetModel
import Foundation
import TestSupport
import Testing

/// The loop around the commands, played on temporary git repositories against the
/// simulator binary: a sequence of commits, partial applies and re-runs, with the
/// `simfleet/applied` tag moved as the CI recipe moves it (only after exit 0).
@Suite struct GitOpsLoopTests {
    typealias Base = ChangedSinceTests
    static var key: String { Base.key }
    static func icc(_ n: Int) -> String { Base.icc(n) }

    /// A repository on main with the base manifests, the simulator, and apply/plan runners.
    struct Loop {
        var repo: GitRepository
        var url: String

        var environment: [String: String] { GitRepository.environment.merging(["NEXCON_API_KEY": GitOpsLoopTests.key]) { $1 } }

        func apply(_ arguments: [String]) async throws -> RunResult {
            try await Simfleet.run(["apply", "--api-url", url, "--no-progress", "--auto-approve"] + arguments, in: repo.root, environment: environment)
        }

        func plan(_ arguments: [String]) async throws -> RunResult {
            try await Simfleet.run(["plan", "--api-url", url, "--no-progress"] + arguments, in: repo.root, environment: environment)
        }

        /// Actions the simulator received, as "block ICC", oldest first.
        func actions() async throws -> [String] { try await Base.actions(url) }

        /// The CI recipe's last step: the tag moves only when apply exited 0.
        func tagIfConverged(_ result: RunResult) throws {
            if result.status == 0 { try repo.run(["tag", "-f", "simfleet/applied", "HEAD"]) }
        }
    }

    static func withLoop(_ body: (Loop) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Base.baseRepository(in: dir)
            // The simulator seeds every SIM active, and an active SIM cannot become inactive.
            try Base.replace(repo, "manifests/sub/c.yaml", "defaults: {state: inactive}", "defaults: {state: active}")
            try repo.commit("c: active")
            let (simulator, url) = try Base.simulator(in: dir)
            defer { _ = simulator.stop() }
            let loop = Loop(repo: repo, url: url)
            // The first apply covers every SIM; the tag marks the converged commit.
            let first = try await loop.apply([])
            #expect(first.status == 0, "\(first.stderr)")
            try loop.tagIfConverged(first)
            try await body(loop)
        }
    }

    /// Case 1 of the sound-loop issue: a restore carried out by a partial apply, then
    /// undone by the next commit, must still be seen; comparing only the two ends lost the
    /// block and moved the tag over a live SIM that should be blocked.
    @Test func aChangeUndoneAfterAPartialApplyIsNotLost() async throws {
        try await Self.withLoop { loop in
            let x = Self.icc(6) // b6, blocked at the tag
            let unknown = Self.icc(30) // not in the simulator's account
            let before = try await loop.actions().count
            // C1: restore X, and declare an ICC NexCon does not know: apply restores X, exits 3.
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b6\n    state: blocked", "name: b6\n    state: active")
            try Base.replace(loop.repo, "manifests/a.yaml", "sims:\n", "sims:\n  - {icc: \"\(unknown)\", name: ghost}\n")
            try loop.repo.commit("C1: restore b6, add a SIM NexCon does not know")
            let partial = try await loop.apply(["--changed-since", "simfleet/applied"])
            #expect(partial.status == 3, "\(partial.stdout)\(partial.stderr)")
            try loop.tagIfConverged(partial)
            #expect(Array(try await loop.actions().dropFirst(before)) == ["restore \(x)"])

            // C2: block X again, drop the unknown ICC. The two ends agree; the live SIM does not.
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b6\n    state: active", "name: b6\n    state: blocked")
            try Base.replace(loop.repo, "manifests/a.yaml", "  - {icc: \"\(unknown)\", name: ghost}\n", "")
            try loop.repo.commit("C2: block b6 again")
            let plan = try await loop.plan(["--changed-since", "simfleet/applied", "--detailed-exitcode"])
            #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("~ block     \(x)"))
            let repair = try await loop.apply(["--changed-since", "simfleet/applied"])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            try loop.tagIfConverged(repair)
            #expect(Array(try await loop.actions().dropFirst(before)) == ["restore \(x)", "block \(x)"])
            // Converged: the next run has nothing to do, and sends nothing.
            let again = try await loop.plan(["--changed-since", "simfleet/applied", "--detailed-exitcode"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        }
    }

    /// A change and its revert inside one pull request still gets checked: the live SIM may
    /// have been changed by hand to match the middle commit, and the check costs one call.
    @Test func everyCommitBetweenTheEndsCounts() async throws {
        try await Self.withLoop { loop in
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
            try loop.repo.commit("block b7")
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b7\n    state: blocked", "name: b7\n    state: active")
            try Base.replace(loop.repo, "manifests/a.yaml", "name: a1}", "name: renamed}")
            try loop.repo.commit("unblock b7, rename a1")
            let result = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let plan = PlanCommandTests.json(result.stdout)
            let planned = (plan["sims"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
            #expect(planned == [Self.icc(7)])
        }
    }

    /// Case 3 of the sound-loop issue: a pull request's plan showed "No changes" while
    /// steps merged earlier waited; the apply after merge then carried them out unreviewed.
    /// Planned since the tag, each step now says where it comes from.
    @Test func thePullRequestPlanShowsWhatWasMergedEarlier() async throws {
        try await Self.withLoop { loop in
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
            try loop.repo.commit("Block b7 (#41)")
            let earlier = try loop.repo.run(["rev-parse", "HEAD"])
            // Not applied: say the apply after that merge failed. A new pull request branches off.
            try loop.repo.run(["checkout", "-q", "-b", "pr-42"])
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b9\n    state: active", "name: b9\n    state: blocked")
            try loop.repo.commit("Block b9")
            let arguments = ["--changed-since", "simfleet/applied", "--pull-request-base", "main"]
            let text = try await loop.plan(arguments + ["--out", "plan.json"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("~ block     \(Self.icc(7))  b7  active → blocked  [merged earlier, not applied yet: \(earlier.prefix(7)) Block b7 (#41)]\n"), "\(text.stdout)")
            #expect(text.stdout.contains("~ block     \(Self.icc(9))  b9  active → blocked  [this pull request]\n"))
            #expect(text.stdout.contains("1 step comes from this pull request; 1 was merged earlier and not applied yet (since simfleet/applied): the apply after merge carries out all of them.\n"))
            let markdown = try await loop.plan(arguments + ["--format", "markdown"])
            // Beside each step, the commit that declared it, and its pull request when it names one.
            #expect(markdown.stdout.contains("| `\(Self.icc(7))` | b7 | active → blocked | 1 | `\(earlier.prefix(7))` #41 | _merged earlier, not applied yet: \(earlier.prefix(7)) Block b7 (\\#41)_ |"), "\(markdown.stdout)")
            let own = try loop.repo.run(["rev-parse", "HEAD"])
            #expect(markdown.stdout.contains("| `\(Self.icc(9))` | b9 | active → blocked | 1 | `\(own.prefix(7))` | _this pull request_ |"), "\(markdown.stdout)")
            // show gives plan's bytes back; the JSON says the same.
            #expect(try await Simfleet.run(["show", "plan.json"], in: loop.repo.root).stdout == text.stdout)
            #expect(try await Simfleet.run(["show", "plan.json", "--format", "markdown"], in: loop.repo.root).stdout == markdown.stdout)
            let base = (PlanCommandTests.json(try String(contentsOf: loop.repo.root.appendingPathComponent("plan.json"), encoding: .utf8))["scope"] as? [String: Any])?["changedSince"] as? [String: Any] ?? [:]
            let origins = base["origins"] as? [[String: Any]] ?? []
            #expect(origins.map { $0["origin"] as? String } == ["merged-earlier", "pull-request"])
            #expect(origins.first?["commit"] as? String == earlier)
            #expect(base["pullRequestBase"] as? String == "main")
            // A pull request with no change of its own still shows what waits.
            try loop.repo.run(["checkout", "-q", "-b", "pr-43", "main"])
            try Base.replace(loop.repo, "manifests/a.yaml", "name: a1}", "name: renamed}")
            try loop.repo.commit("Rename a1")
            let quiet = try await loop.plan(arguments + ["--detailed-exitcode"])
            #expect(quiet.status == 2)
            #expect(quiet.stdout.contains("0 steps come from this pull request; 1 was merged earlier and not applied yet"))
        }
    }

    /// A version since the tag too large to read cannot vouch for its SIMs: every SIM of
    /// that file is checked, never silently left out.
    @Test func aVersionTooLargeToReadChecksItsFile() async throws {
        try await Self.withLoop { loop in
            let padding = "# " + String(repeating: "x", count: 1_100_000) + "\n"
            try Base.replace(loop.repo, "manifests/b.yaml", "version: 1\n", "version: 1\n" + padding)
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
            try loop.repo.commit("a huge version")
            try Base.replace(loop.repo, "manifests/b.yaml", padding, "")
            try Base.replace(loop.repo, "manifests/b.yaml", "name: b7\n    state: blocked", "name: b7\n    state: active")
            try loop.repo.commit("back")
            let result = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "json", "--max-manifest-size", "1"])
            #expect(result.status == 0, "\(result.stderr)")
            let planned = (PlanCommandTests.json(result.stdout)["sims"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
            #expect(planned == (5..<10).map(Self.icc), "every SIM of b.yaml")
        }
    }

    /// A pull request that changes only the settings plans every SIM, and says why.
    @Test func aSettingsChangePlansEverySIM() async throws {
        try await Self.withLoop { loop in
            try loop.repo.write("simfleet.yaml", "statusMap:\n  blocked: [PAUSED]\n")
            try loop.repo.commit("map PAUSED")
            let json = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let plan = PlanCommandTests.json(json.stdout)
            #expect((plan["sims"] as? [[String: Any]] ?? []).count == 13)
            let scope = plan["scope"] as? [String: Any] ?? [:]
            #expect(scope["partial"] as? Bool == false)
            let base = scope["changedSince"] as? [String: Any] ?? [:]
            let commit = try loop.repo.run(["rev-parse", "--short=7", "HEAD"])
            #expect(base["settingsChange"] as? String == "simfleet.yaml changed in \(commit)")
            let sentence = "Full plan: the settings changed since simfleet/applied (simfleet.yaml changed in \(commit)), and settings can change any SIM's verdict, so every SIM in scope is checked."
            let text = try await loop.plan(["--changed-since", "simfleet/applied"])
            #expect(text.stdout.contains(sentence), "\(text.stdout)")
            let markdown = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "markdown"])
            #expect(markdown.stdout.contains(sentence), "\(markdown.stdout)")
            let github = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "github"])
            #expect(github.stdout.contains(sentence), "\(github.stdout)")

            // An uncommitted edit of the settings counts too.
            try loop.repo.run(["tag", "-f", "simfleet/applied", "HEAD"])
            try loop.repo.write("simfleet.yaml", "blastRadius: {percent: 50}\n")
            let edited = try await loop.plan(["--changed-since", "simfleet/applied", "--format", "json"])
            let editedBase = (PlanCommandTests.json(edited.stdout)["scope"] as? [String: Any])?["changedSince"] as? [String: Any] ?? [:]
            #expect(editedBase["settingsChange"] as? String == "simfleet.yaml differs from \(commit) in the work tree")
        }
    }
}

/// Converged means converged: a SIM with a job in progress is a difference, a run that
/// leaves one is partial, and a declared termination waiting only for its allowance has
/// its own exit status. Allowances never stand in for the manifests.
@Suite struct ConvergenceTests {
    static let key = "convergence-key-7d1e"
    static func icc(_ n: Int) -> String { TestICC.number(n).digits }

    /// 1 wants active and is stuck ACTIVATING; 2 is blocked as wanted; 3 is declared
    /// terminated; 4 is protected; 5 is active as wanted.
    static func fleet(in dir: URL, pending: Bool = true) throws -> (RunningProcess, String) {
        let seeds = [(1, pending ? "ACTIVATING" : "ACTIVATED"), (2, "BLOCKED"), (3, "ACTIVATED"), (4, "ACTIVATED"), (5, "ACTIVATED")]
        let seed = "[" + seeds.map { "{\"icc\": \"\(icc($0.0))\", \"status\": \"\($0.1)\"}" }.joined(separator: ",") + "]"
        try Data(seed.utf8).write(to: dir.appendingPathComponent("seed.json"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        try Data("""
            version: 1
            sims:
              - {icc: "\(icc(1))", name: stuck, state: active}
              - {icc: "\(icc(2))", name: stolen, state: blocked}
              - {icc: "\(icc(3))", name: scrapped, state: terminated}
              - {icc: "\(icc(4))", name: kept, state: active, protect: true}
              - {icc: "\(icc(5))", name: fine, state: active}

            """.utf8).write(to: dir.appendingPathComponent("manifests/fleet.yaml"))
        let process = try RunningProcess(["simulator", "--port", "0", "--seed", "seed.json", "--job-duration", "0", "--api-key", key], in: dir)
        return (process, String(process.firstLine().dropFirst("listening on ".count)))
    }

    static func run(_ arguments: [String], url: String, in dir: URL) async throws -> RunResult {
        try await Simfleet.run(arguments + ["--api-url", url, "--no-progress"], in: dir, environment: ["NEXCON_API_KEY": key])
    }

    static func calls(_ url: String) async throws -> [[String: Any]] {
        try await send("\(url)/_simulator/calls", method: "GET", key: key).json["calls"] as? [[String: Any]] ?? []
    }

    /// Case 2 of the sound-loop issue: pending printed "No changes" and exited 0, so the tag moved.
    @Test func aPendingSIMIsNotConverged() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.fleet(in: dir)
            defer { _ = simulator.stop() }
            let plan = try await Self.run(["plan", "--detailed-exitcode", "--target", Self.icc(1), "--target", Self.icc(5)], url: url, in: dir)
            #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("Not converged: no steps, but 1 SIM has a job in progress; run plan again once it settles."))
            #expect(plan.stdout.contains("SIM \(Self.icc(1)) (stuck): job in progress (live status ACTIVATING)"))

            let apply = try await Self.run(["apply", "--auto-approve", "--target", Self.icc(1), "--target", Self.icc(5)], url: url, in: dir)
            #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("SIMs that did not settle (a job was in progress when planned; run apply again once it ends):\n"))
            #expect(apply.stdout.contains("SIM \(Self.icc(1)) (stuck): a job was in progress (live status ACTIVATING) when planned"))
            #expect(apply.stdout.contains("Apply incomplete: 1 SIM not settled."))
            let json = try await Self.run(["apply", "--auto-approve", "--format", "json", "--target", Self.icc(1)], url: url, in: dir)
            let report = PlanCommandTests.json(json.stdout)
            #expect((report["notSettled"] as? [[String: Any]])?.first?["icc"] as? String == Self.icc(1))
            #expect(report["exitCode"] as? Int == 3)
        }
    }

    /// A declared termination waiting for its allowance does not hold the run back: exit 4,
    /// listed as awaiting termination. Anything else unfinished still means 3.
    @Test func terminationsAwaitingAnAllowanceHaveTheirOwnExitStatus() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.fleet(in: dir, pending: false)
            defer { _ = simulator.stop() }
            let apply = try await Self.run(["apply", "--auto-approve"], url: url, in: dir)
            #expect(apply.status == 4, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("awaiting-termination: terminate \(Self.icc(3)) (scrapped): not allowed: run apply with --allow-terminate \(Self.icc(3)) (the terminate workflow)"))
            #expect(apply.stdout.contains("Apply complete but for terminations awaiting an allowance: 1 awaiting-termination."))
            let drift = try await Self.run(["plan", "--detailed-exitcode"], url: url, in: dir)
            #expect(drift.status == 2, "the drift check keeps showing it")
            let allowed = try await Self.run(["apply", "--auto-approve", "--target", Self.icc(3), "--allow-terminate", Self.icc(3)], url: url, in: dir)
            #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        }
    }

    /// Case 5 of the sound-loop issue: a protected ICC on the terminate path ended "nothing
    /// to do", exit 0. Each of these is now an error naming the ICC, and nothing is sent.
    @Test(arguments: [
        (4, "ICC \(icc(4)) is protected (protect: true at manifests/fleet.yaml:6:5); it is never terminated"),
        (2, "ICC \(icc(2)) is declared state: blocked at manifests/fleet.yaml:4:56, not terminated; declare state: terminated in a reviewed change first"),
        (9, "ICC \(icc(9)) is not in the manifests; declare it with state: terminated in a reviewed change first"),
    ])
    func anAllowanceMustMatchADeclaredTermination(number: Int, message: String) async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.fleet(in: dir, pending: false)
            defer { _ = simulator.stop() }
            for command in [["apply", "--auto-approve"], ["plan"]] {
                let result = try await Self.run(command + ["--target", Self.icc(3), "--allow-terminate", Self.icc(number)], url: url, in: dir)
                #expect(result.status == 1)
                #expect(result.stderr.contains("--allow-terminate: error: \(message)"), "\(result.stderr)")
                #expect(result.stderr.contains("Nothing was sent"))
            }
            #expect(try await Self.calls(url).isEmpty)
        }
    }
}

/// The nightly drift check: every differing SIM is in the report with its live state,
/// and a fleet too large for one job is checked a shard at a time.
@Suite struct DriftTests {
    static let key = "drift-key-3a9f"
    static func icc(_ n: Int) -> String { TestICC.number(n).digits }

    /// Case 4 of the sound-loop issue: a SIM terminated in NexCon's portal, one in an
    /// unmapped status and one NexCon does not know are all listed, with what is live.
    @Test func theWorstDriftIsListed() async throws {
        try await withTemporaryDirectory { dir in
            let seeds = [(1, "TERMINATED"), (2, "WEIRD_STATE"), (4, "BLOCKED"), (5, "ACTIVATED")]
            try Data(("[" + seeds.map { "{\"icc\": \"\(Self.icc($0.0))\", \"status\": \"\($0.1)\"}" }.joined(separator: ",") + "]").utf8)
                .write(to: dir.appendingPathComponent("seed.json"))
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("manifests"), withIntermediateDirectories: true)
            try Data(("version: 1\ndefaults: {state: active}\nsims:\n" + [1, 2, 3, 4, 5].map { "  - {icc: \"\(Self.icc($0))\", name: s\($0)}\n" }.joined()).utf8)
                .write(to: dir.appendingPathComponent("manifests/fleet.yaml"))
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed", "seed.json", "--api-key", Self.key], in: dir)
            defer { _ = simulator.stop() }
            let url = String(simulator.firstLine().dropFirst("listening on ".count))
            let result = try await Simfleet.run(["plan", "--api-url", url, "--no-progress", "--detailed-exitcode", "--format", "markdown",
                                           "--comment-key", "drift", "--out", "drift.json"],
                                          in: dir, environment: ["NEXCON_API_KEY": Self.key])
            #expect(result.status == 5, "per-SIM errors: the plan was made, and the report says what differs")
            let markdown = result.stdout
            #expect(markdown.hasPrefix("<!-- simfleet:plan:drift -->\n"))
            #expect(markdown.contains("SIM \(Self.icc(1)) (s1): it is terminated, which cannot be undone"))
            #expect(markdown.contains("SIM \(Self.icc(2)) (s2): unrecognised live status 'WEIRD\\_STATE'"))
            #expect(markdown.contains("SIM \(Self.icc(3)) (s3): ICC not found in this account"))
            #expect(markdown.contains("`\(Self.icc(4))`"), "the restore is listed")
            // The saved plan lets a workflow tell "the fleet differs" from "could not plan at all".
            let plan = PlanCommandTests.json(try String(contentsOf: dir.appendingPathComponent("drift.json"), encoding: .utf8))
            let live = Dictionary(uniqueKeysWithValues: (plan["sims"] as? [[String: Any]] ?? []).map { ($0["icc"] as? String ?? "", $0["observed"] as? String) })
            #expect(live[Self.icc(1)] == "TERMINATED" && live[Self.icc(2)] == "WEIRD_STATE" && live[Self.icc(4)] == "BLOCKED")

            // A wrong key: nothing planned, no plan file, one line on standard error.
            let denied = try await Simfleet.run(["plan", "--api-url", url, "--no-progress", "--detailed-exitcode", "--out", "denied.json"],
                                          in: dir, environment: ["NEXCON_API_KEY": "wrong"])
            #expect(denied.status == 1 && denied.stdout.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("denied.json").path))
        }
    }

    /// `--shard K/N` checks one Nth of the fleet by ICC; N runs cover it exactly once, and
    /// every format says which shard it is.
    @Test func shardsCoverTheFleetOnce() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            var covered: [String] = []
            for index in 1...3 {
                let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--format", "json", "--shard", "\(index)/3"], in: dir)
                #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
                let plan = PlanCommandTests.json(result.stdout)
                let scope = plan["scope"] as? [String: Any] ?? [:]
                #expect(scope["shard"] as? String == "\(index)/3")
                #expect(scope["partial"] as? Bool == true)
                covered += (plan["sims"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
            }
            let all = PlanCommandTests.json(try await Simfleet.run(["plan", "--simulator", "--no-progress", "--format", "json"], in: dir).stdout)
            let every = (all["sims"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
            #expect(covered.sorted() == every.sorted())
            #expect(Set(covered).count == covered.count)
            let text = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--shard", "2/3"], in: dir)
            #expect(text.stdout.contains("Partial plan: only SIMs matching shard 2/3 (about 1 in 3 SIMs, chosen by ICC);"), "\(text.stdout)")
            let bad = try await Simfleet.run(["plan", "--simulator", "--shard", "4/3"], in: dir)
            #expect(bad.status == 64 && bad.stderr.contains("--shard '4/3' must be K/N with 1 <= K <= N <= 10000"))
        }
    }
}

/// The tag moves forward only, on the applied branch, after a converged apply: the rule
/// the apply workflow runs as `simfleet mark-applied`, played on a temporary repository.
@Suite struct MarkAppliedTests {
    static func report(_ dir: URL, exitCode: Int) throws -> String {
        let path = dir.appendingPathComponent("apply-\(exitCode).json").path
        try Data("{\"formatVersion\":1,\"exitCode\":\(exitCode)}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func mark(_ repo: GitRepository, _ report: String) async throws -> RunResult {
        try await Simfleet.run(["mark-applied", "--report", report, "--branch", "main"], in: repo.root, environment: GitRepository.environment)
    }

    static func tag(_ repo: GitRepository) -> String? {
        try? repo.run(["rev-parse", "--verify", "--quiet", "refs/tags/simfleet/applied^{commit}"])
    }

    @Test func theTagMovesForwardOnlyAfterAConvergedApply() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try GitRepository(at: dir.appendingPathComponent("repo"))
            try repo.write("manifests/a.yaml", "sims: []\n")
            try repo.commit("one")
            let c1 = try repo.run(["rev-parse", "HEAD"])
            // Not converged: nothing moves.
            let partial = try await Self.mark(repo, Self.report(dir, exitCode: 3))
            #expect(partial.status == 1 && partial.stderr.contains("the apply did not converge (exit code 3)"))
            #expect(Self.tag(repo) == nil)
            // Converged: created, then already there.
            await #expect(try Self.mark(repo, Self.report(dir, exitCode: 0)).stdout == "simfleet/applied created at \(c1.prefix(12)).\n")
            await #expect(try Self.mark(repo, Self.report(dir, exitCode: 0)).stdout == "simfleet/applied is already at \(c1.prefix(12)).\n")
            try repo.write("manifests/a.yaml", "sims: [] # two\n")
            try repo.commit("two")
            let c2 = try repo.run(["rev-parse", "HEAD"])
            // Terminations awaiting their allowance do not hold it back.
            await #expect(try Self.mark(repo, Self.report(dir, exitCode: 4)).stdout == "simfleet/applied moved from \(c1.prefix(12)) to \(c2.prefix(12)).\n")
            // A re-run of the older run, checked out at c1: never backwards.
            try repo.run(["checkout", "-q", "--detach", c1])
            let rerun = try await Self.mark(repo, Self.report(dir, exitCode: 0))
            #expect(rerun.status == 1 && rerun.stderr.contains("moving it would go backwards"), "\(rerun.stderr)")
            #expect(Self.tag(repo) == c2)
            // A commit that is not on main: never.
            try repo.run(["checkout", "-q", "-b", "feature", c2])
            try repo.write("manifests/a.yaml", "sims: [] # three\n")
            try repo.commit("three")
            let branch = try await Self.mark(repo, Self.report(dir, exitCode: 0))
            #expect(branch.status == 1 && branch.stderr.contains("is not on main"), "\(branch.stderr)")
            #expect(Self.tag(repo) == c2)
            let notAReport = try await Self.mark(repo, dir.appendingPathComponent("missing.json").path)
            #expect(notAReport.status == 1 && notAReport.stderr.contains("cannot read the apply report"))
        }
    }

    /// Outside a clone it says what mark-applied needs, not what --changed-since does.
    @Test func outsideAWorkTreeItSaysWhatItNeeds() async throws {
        try await withTemporaryDirectory { dir in
            let outside = try await Simfleet.run(["mark-applied", "--report", try Self.report(dir, exitCode: 0)], in: dir,
                                           environment: ["GIT_CEILING_DIRECTORIES": dir.deletingLastPathComponent().path])
            #expect(outside.status == 1)
            #expect(outside.stderr.contains("error: mark-applied moves a git tag, and the current folder is not in a git work tree; run it in the clone the apply ran in. Nothing was moved"), "\(outside.stderr)")
        }
    }
}
