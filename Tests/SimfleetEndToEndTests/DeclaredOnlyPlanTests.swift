import Foundation
import TestSupport
import Testing

/// `plan --offline`: the built binary in a git repository, with no key and a NexCon URL
/// that answers nothing, shows what a change does to the declared states, says so in every
/// format, and its plan file is never applied.
@Suite struct DeclaredOnlyPlanTests {
    static func icc(_ n: Int) -> String { TestICC.number(n).digits }

    /// main declares 3 SIMs; the work tree blocks the first, adds a fourth, and blocks then
    /// unblocks the third in two commits (no step: the base declared it so).
    static func repository(in dir: URL) throws -> GitRepository {
        let repo = try GitRepository(at: dir.appendingPathComponent("repo"))
        let entries = { (states: [String]) in
            "version: 1\nsims:\n" + states.enumerated().map { "  - icc: \"\(icc($0.offset))\"\n    name: t\($0.offset)\n    state: \($0.element)\n" }.joined()
        }
        try repo.write("manifests/fleet.yaml", entries(["active", "blocked", "active"]))
        try repo.commit("base")
        try repo.run(["branch", "base"])
        try repo.write("manifests/fleet.yaml", entries(["active", "blocked", "blocked"]))
        try repo.commit("block t2")
        try repo.write("manifests/fleet.yaml", entries(["active", "blocked", "active"]))
        try repo.commit("unblock t2")
        try repo.write("manifests/fleet.yaml", entries(["blocked", "blocked", "active", "active"]))
        return repo
    }

    /// No key, and a NexCon that is not there: a declared-only plan reads neither.
    static let offline = ["NEXCON_API_KEY": "", "NEXCON_API_URL": "http://127.0.0.1:9", "GITHUB_STEP_SUMMARY": "", "GITLAB_CI": ""]

    @Test func theChangeIsPlannedFromTheBaseInEveryFormat() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let text = try await Simfleet.run(["plan", "--offline", "--changed-since", "base", "--detailed-exitcode"], in: repo.root, environment: Self.offline)
            #expect(text.status == 2, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("Declared-only plan: no live status was read."), "\(text.stdout)")
            #expect(text.stdout.contains("block     \(Self.icc(0))  t0  active → blocked"), "\(text.stdout)")
            #expect(text.stdout.contains("activate  \(Self.icc(3))  t3  inactive → active"), "\(text.stdout)")
            #expect(text.stdout.contains("Plan: 1 to activate, 1 to block, 0 to restore, 0 to terminate."), "\(text.stdout)")
            #expect(!text.stdout.contains(Self.icc(2)), "changed and changed back: the base declared it so")

            let markdown = try await Simfleet.run(["plan", "--offline", "--changed-since", "base", "--format", "markdown"], in: repo.root, environment: Self.offline)
            #expect(markdown.stdout.contains("> **Declared-only plan: no live status was read."), "\(markdown.stdout)")
            let github = try await Simfleet.run(["plan", "--offline", "--changed-since", "base", "--format", "github"], in: repo.root, environment: Self.offline)
            #expect(github.stdout.contains("Declared-only plan: no live status was read."), "\(github.stdout)")
            let json = try await Simfleet.run(["plan", "--offline", "--changed-since", "base", "--format", "json", "--out", "plan.json"], in: repo.root, environment: Self.offline)
            #expect(json.status == 0, "\(json.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((document["target"] as? [String: Any])?["kind"] as? String == "declared")

            // Never applied, to the API or the simulator.
            for extra in [[], ["--simulator"]] {
                let apply = try await Simfleet.run(["apply", "plan.json", "--auto-approve"] + extra, in: repo.root, environment: Self.offline.merging(["NEXCON_API_KEY": "k"]) { $1 })
                #expect(apply.status == 1)
                #expect(apply.stderr.contains("plan.json: error: the plan is declared-only (plan --offline)"), "\(apply.stderr)")
            }
        }
    }

    @Test(arguments: [
        (["plan", "--offline"], "--offline plans the change since a base: add --changed-since REF"),
        (["plan", "--offline", "--changed-since", "base", "--simulator"], "--offline reads no live status; drop --simulator"),
        (["plan", "--offline", "--changed-since", "base", "--api-url", "https://nexcon.example"], "--offline reads no live status"),
        (["plan", "--offline", "--changed-since", "base", "--drift-issue"], "--drift-issue compares the fleet's live status"),
    ])
    func whatItCannotDoIsAUsageError(arguments: [String], message: String) async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let result = try await Simfleet.run(arguments, in: repo.root, environment: Self.offline)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    /// A merge request pipeline without the key posts the declared-only plan as its note.
    @Test func aMergeRequestWithoutTheKeyGetsADeclaredOnlyNote() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let gitlab = GitLabStandIn()
            try await gitlab.serve { api in
                let environment = Self.offline.merging(["GITLAB_CI": "true", "GITLAB_TOKEN": "glpat-testtoken", "CI_API_V4_URL": api, "CI_PROJECT_ID": "7",
                                                        "CI_MERGE_REQUEST_IID": "3", "CI_COMMIT_SHA": String(repeating: "a", count: 40)]) { $1 }
                let result = try await Simfleet.run(["plan", "--offline", "--changed-since", "base", "--pr-comment"], in: repo.root, environment: environment)
                #expect(result.status == 0 && result.stderr.contains("Posted the plan to merge request !3."), "\(result.stderr)")
            }
            let note = try #require(gitlab.notes(onMergeRequest: 3).first?.body)
            #expect(note.contains("> **Declared-only plan: no live status was read."), "\(note)")
            #expect(note.contains("inactive → active"))
        }
    }
}
