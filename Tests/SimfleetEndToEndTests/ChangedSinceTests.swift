import FleetModel
import Foundation
import TestSupport
import Testing

/// `plan --changed-since`, the built binary in temporary git repositories, against the
/// simulator binary: which SIMs are planned, and which ones NexCon is asked about.
@Suite struct ChangedSinceTests {
    static let key = "changed-since-key-51c2"
    static func icc(_ n: Int) -> String { TestICC.number(n).digits }

    /// a.yaml: 5 SIMs under `defaults: {state: active}`; b.yaml: 5 SIMs with their own
    /// states; sub/c.yaml: 3 inactive SIMs.
    static func baseManifests(_ repo: GitRepository) throws {
        try repo.write("manifests/a.yaml", "version: 1\ndefaults:\n  state: active\nsims:\n"
            + (0..<5).map { "  - {icc: \"\(icc($0))\", name: a\($0)}\n" }.joined())
        try repo.write("manifests/b.yaml", "version: 1\nsims:\n"
            + (5..<10).map { "  - icc: \"\(icc($0))\"\n    name: b\($0)\n    state: \($0 == 6 ? "blocked" : "active")\n" }.joined())
        try repo.write("manifests/sub/c.yaml", "version: 1\ndefaults: {state: inactive}\nsims:\n"
            + (10..<13).map { "  - {icc: \"\(icc($0))\", name: c\($0)}\n" }.joined())
    }

    /// A repository whose one commit holds the base manifests, on main.
    static func baseRepository(in dir: URL) throws -> GitRepository {
        let repo = try GitRepository(at: dir.appendingPathComponent("repo"))
        try baseManifests(repo)
        try repo.commit("base")
        return repo
    }

    /// Branch `feature` blocks b7; after it branched, main blocked b9. Checked out: feature.
    static func divergedRepository(in dir: URL) throws -> GitRepository {
        let repo = try baseRepository(in: dir)
        try repo.run(["checkout", "-q", "-b", "feature"])
        try replace(repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
        try repo.commit("feature: block b7")
        try repo.run(["checkout", "-q", "main"])
        try replace(repo, "manifests/b.yaml", "name: b9\n    state: active", "name: b9\n    state: blocked")
        try repo.commit("main: block b9")
        try repo.run(["checkout", "-q", "feature"])
        return repo
    }

    /// Starts the simulator with every ICC the cases use.
    static func simulator(in dir: URL) throws -> (RunningProcess, String) {
        let seeds = dir.appendingPathComponent("seeds.yaml")
        try Data((["version: 1\nsims:\n"] + (0..<25).map { "  - {icc: \"\(icc($0))\", state: active}\n" }).joined().utf8).write(to: seeds)
        let process = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", seeds.path, "--job-duration", "0", "--api-key", key], in: dir)
        return (process, String(process.firstLine().dropFirst("listening on ".count)))
    }

    /// The ICCs asked for their status since `from` calls, and how many calls there are now.
    static func statusCalls(_ url: String, from: Int) async throws -> (iccs: [String], count: Int) {
        let calls = try await send("\(url)/_simulator/calls", method: "GET", key: key).json["calls"] as? [[String: Any]] ?? []
        let new = calls.dropFirst(from).filter { ($0["path"] as? String ?? "").hasSuffix("/status") }
        return (new.compactMap { $0["icc"] as? String }.sorted(), calls.count)
    }

    /// Actions the simulator received, as "block ICC", oldest first.
    static func actions(_ url: String) async throws -> [String] {
        let calls = try await send("\(url)/_simulator/calls", method: "GET", key: key).json["calls"] as? [[String: Any]] ?? []
        return calls.filter { !($0["path"] as? String ?? "").hasSuffix("/status") }
            .map { "\(($0["path"] as? String ?? "").split(separator: "/").last ?? "") \($0["icc"] as? String ?? "")" }
    }

    static func plan(_ url: String, in repo: GitRepository, _ arguments: [String]) async throws -> RunResult {
        try await Simfleet.run(["plan", "--api-url", url, "--no-progress"] + arguments, in: repo.root,
                         environment: GitRepository.environment.merging(["NEXCON_API_KEY": key]) { $1 })
    }

    struct Case: Sendable {
        var name: String
        var edit: @Sendable (GitRepository) throws -> Void
        /// The ICC numbers planned and queried.
        var queried: [Int]
        var unchanged: Int
        var removed: [Int] = []
        /// 1 when a planned SIM cannot reach its new state.
        var status: Int32 = 0
    }

    static func replace(_ repo: GitRepository, _ path: String, _ old: String, _ new: String) throws {
        let url = repo.root.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        precondition(text.contains(old), "\(old) not in \(path)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }

    static let cases: [Case] = [
        Case(name: "nothing changed", edit: { _ in }, queried: [], unchanged: 13),
        Case(name: "a new entry", edit: { repo in
            try replace(repo, "manifests/a.yaml", "name: a4}\n", "name: a4}\n  - {icc: \"\(icc(20))\", name: new}\n")
        }, queried: [20], unchanged: 13),
        Case(name: "a changed state; a new name, labels and note need no call", edit: { repo in
            try replace(repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
            try replace(repo, "manifests/b.yaml", "name: b8\n", "name: renamed\n    labels: {depot: x}\n    note: ticket OPS-1\n")
        }, queried: [7], unchanged: 12),
        Case(name: "protect and callbackUrl changes", edit: { repo in
            try replace(repo, "manifests/b.yaml", "name: b5\n", "name: b5\n    protect: true\n")
            try replace(repo, "manifests/b.yaml", "name: b9\n", "name: b9\n    callbackUrl: https://hooks.example.com/x\n")
        }, queried: [5, 9], unchanged: 11),
        Case(name: "an expect change", edit: { repo in
            try replace(repo, "manifests/b.yaml", "name: b6\n", "name: b6\n    expect: {countryCode: DK}\n")
        }, queried: [6], unchanged: 12),
        Case(name: "a removed entry is listed, not changed", edit: { repo in
            try replace(repo, "manifests/a.yaml", "  - {icc: \"\(icc(3))\", name: a3}\n", "")
        }, queried: [], unchanged: 12, removed: [3]),
        Case(name: "an entry moved to another file in the same state", edit: { repo in
            try replace(repo, "manifests/a.yaml", "  - {icc: \"\(icc(2))\", name: a2}\n", "")
            try replace(repo, "manifests/b.yaml", "sims:\n", "sims:\n  - {icc: \"\(icc(2))\", name: a2, state: active}\n")
        }, queried: [], unchanged: 13),
        Case(name: "an entry moved under other defaults", edit: { repo in
            try replace(repo, "manifests/a.yaml", "  - {icc: \"\(icc(1))\", name: a1}\n", "")
            try replace(repo, "manifests/sub/c.yaml", "sims:\n", "sims:\n  - {icc: \"\(icc(1))\", name: a1}\n")
        }, queried: [1], unchanged: 12, status: 5), // active cannot become inactive: an error for that SIM, planned otherwise
        Case(name: "a changed defaults: changes every SIM under it", edit: { repo in
            try replace(repo, "manifests/a.yaml", "  state: active", "  state: blocked")
        }, queried: [0, 1, 2, 3, 4], unchanged: 8),
        Case(name: "a file renamed without changes", edit: { repo in
            try repo.run(["mv", "manifests/sub/c.yaml", "manifests/sub/renamed.yaml"])
        }, queried: [], unchanged: 13),
        Case(name: "a file deleted", edit: { repo in
            try repo.run(["rm", "-q", "manifests/sub/c.yaml"])
        }, queried: [], unchanged: 10, removed: [10, 11, 12]),
        Case(name: "a new untracked file", edit: { repo in
            try repo.write("manifests/d.yml", "version: 1\nsims:\n  - {icc: \"\(icc(21))\", state: active}\n")
        }, queried: [21], unchanged: 13),
    ]

    @Test func plansAndQueriesOnlyWhatChanged() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.baseRepository(in: dir)
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            var seen = 0
            for test in Self.cases {
                try repo.reset()
                try test.edit(repo)
                let result = try await Self.plan(url, in: repo, ["--changed-since", "HEAD", "--format", "json"])
                let (queried, count) = try await Self.statusCalls(url, from: seen)
                seen = count
                #expect(result.status == test.status, "\(test.name): \(result.stderr)")
                #expect(queried == test.queried.map(Self.icc).sorted(), "\(test.name)")
                let plan = PlanCommandTests.json(result.stdout)
                let planned = (plan["sims"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
                #expect(planned == test.queried.map(Self.icc).sorted(), "\(test.name)")
                let scope = plan["scope"] as? [String: Any] ?? [:]
                let base = scope["changedSince"] as? [String: Any] ?? [:]
                #expect(scope["partial"] as? Bool == true, "\(test.name)")
                #expect(base["unchanged"] as? Int == test.unchanged, "\(test.name)")
                #expect(base["ref"] as? String == "HEAD")
                #expect((base["mergeBase"] as? String)?.count == 40)
                let removed = (base["removed"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
                #expect(removed == test.removed.map(Self.icc).sorted(), "\(test.name)")
            }
            // The text says what was left out, and what is no longer managed.
            try repo.reset()
            try Self.replace(repo, "manifests/a.yaml", "  - {icc: \"\(Self.icc(3))\", name: a3}\n", "")
            let text = try await Self.plan(url, in: repo, ["--changed-since", "HEAD"])
            let head = try repo.run(["rev-parse", "--short=7", "HEAD"])
            #expect(text.stdout.contains("Partial plan: 12 SIMs not checked (unchanged since HEAD, merge-base \(head)).\n"))
            #expect(text.stdout.contains("No longer managed; left as they are:\n  \(Self.icc(3)) (a3), declared at \(head) in manifests/a.yaml:8:5\n"))
            let markdown = try await Self.plan(url, in: repo, ["--changed-since", "HEAD", "--format", "markdown"])
            #expect(markdown.stdout.contains("> Partial plan: 12 SIMs not checked (unchanged since HEAD, merge-base \(head))."))
            #expect(markdown.stdout.contains("No longer managed; left as they are (1)"))
            // show gives plan's bytes back, partial scope and removed SIMs included.
            let saved = try await Self.plan(url, in: repo, ["--changed-since", "HEAD", "--out", "plan.json"])
            #expect(try await Simfleet.run(["show", "plan.json"], in: repo.root).stdout == saved.stdout)
            #expect(try await Simfleet.run(["show", "plan.json", "--format", "markdown"], in: repo.root).stdout == markdown.stdout)
            // Nothing changed: the comment is one line, and still says what it did not check.
            try repo.reset()
            let quiet = try await Self.plan(url, in: repo, ["--changed-since", "HEAD", "--format", "markdown"])
            #expect(quiet.stdout.hasPrefix("<!-- simfleet:plan -->\n**simfleet plan:** No changes: no SIMs to check. Partial plan: 13 SIMs not checked (unchanged since HEAD, merge-base \(head)). Live status read from the NexCon API at "))
            #expect(quiet.stdout.split(separator: "\n").count == 2)
        }
    }

    /// The merge-base, not the ref's tip: a change made on main after the branch point is
    /// not this branch's change.
    @Test func comparesWithTheMergeBase() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.divergedRepository(in: dir)
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let result = try await Self.plan(url, in: repo, ["--changed-since", "main", "--format", "json", "--detailed-exitcode"])
            #expect(result.status == 2, "\(result.stderr)")
            let steps = (PlanCommandTests.json(result.stdout)["steps"] as? [[String: Any]] ?? []).compactMap { $0["icc"] as? String }
            #expect(steps == [Self.icc(7)])
            #expect(try await Self.statusCalls(url, from: 0).iccs == [Self.icc(7)])

            // Targeting narrows further, and says so too.
            let targeted = try await Self.plan(url, in: repo, ["--changed-since", "main", "--target", Self.icc(7), "--label", "x=y"])
            #expect(targeted.status == 1, "no SIM has that label")
            let byTarget = try await Self.plan(url, in: repo, ["--changed-since", "main", "--target", Self.icc(7)])
            #expect(byTarget.stdout.contains("Partial plan: only SIMs matching the 1 targeted ICC; 12 other SIMs not checked.\n"))
            #expect(byTarget.stdout.contains("Partial plan: 0 SIMs not checked (unchanged since main"))
        }
    }

    /// A saved plan re-derives its changed set from the commit it recorded; a fresh apply
    /// sends only what changed.
    @Test func applyCarriesOutOnlyTheChange() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.baseRepository(in: dir)
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let environment = GitRepository.environment.merging(["NEXCON_API_KEY": Self.key]) { $1 }
            func apply(_ arguments: [String]) async throws -> RunResult {
                try await Simfleet.run(["apply", "--api-url", url, "--no-progress"] + arguments, in: repo.root, environment: environment)
            }
            func actions() async throws -> [String] { try await Self.actions(url) }
            try Self.replace(repo, "manifests/b.yaml", "name: b7\n    state: active", "name: b7\n    state: blocked")
            await #expect(try Self.plan(url, in: repo, ["--changed-since", "HEAD", "--out", "plan.json"]).status == 0)
            let saved = try await apply(["plan.json"])
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(try await actions() == ["block \(Self.icc(7))"])

            // Another change since the base widens the set the plan would cover: refused whole.
            try Self.replace(repo, "manifests/b.yaml", "name: b9\n    state: active", "name: b9\n    state: blocked")
            let stale = try await apply(["plan.json"])
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("the manifests changed since this plan was made"))
            #expect(try await actions().count == 1)

            let fresh = try await apply(["--changed-since", "HEAD", "--auto-approve"])
            #expect(fresh.status == 0, "\(fresh.stderr)")
            #expect(fresh.stdout.contains("Partial plan: 11 SIMs not checked (unchanged since HEAD"))
            #expect(try await actions() == ["block \(Self.icc(7))", "block \(Self.icc(9))"])
        }
    }

    /// Each is one clear error, and nothing reaches NexCon.
    @Test func refusesWhatItCannotCompare() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.divergedRepository(in: dir)
            try repo.run(["checkout", "-q", "main"])
            // A CI checkout: only each branch's tip.
            let shallow = GitRepository(existing: dir.appendingPathComponent("shallow"))
            try GitRepository(existing: dir).run(["clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "feature",
                                                  "file://" + repo.root.path, shallow.root.path])
            let outside = dir.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: repo.root.appendingPathComponent("manifests"), to: outside.appendingPathComponent("manifests"))

            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let cases: [(GitRepository, String, String)] = [
                (repo, "no-such-branch", "--changed-since no-such-branch: no commit by that name; check the spelling, and fetch it first"),
                (shallow, "origin/main", "this is a shallow clone without the commit HEAD and origin/main share; fetch the whole history (actions/checkout with fetch-depth: 0"),
                (GitRepository(existing: outside), "HEAD", "--changed-since needs a git work tree, and the current folder is not in one"),
            ]
            for (where_, ref, message) in cases {
                let result = try await Self.plan(url, in: where_, ["--changed-since", ref])
                #expect(result.status == 1)
                #expect(result.stderr.contains(message), "\(result.stderr)")
                #expect(result.stderr.contains("Nothing was sent."))
                #expect(result.stdout.isEmpty)
            }
            #expect(try await Self.statusCalls(url, from: 0).count == 0)
            // A ref that looks like a flag never reaches git.
            let flag = try await Self.plan(url, in: repo, ["--changed-since=--output=/tmp/x"])
            #expect(flag.status != 0 && flag.stderr.contains("--changed-since needs a git ref"))
        }
    }
}
