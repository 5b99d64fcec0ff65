import Foundation
import TestSupport
import Testing

/// `plan --pr-comment`, `apply --pr-comment` and `plan --drift-issue` in a GitLab CI job
/// (GITLAB_CI=true) against a loopback GitLab: one marked note per merge request, edited
/// in place, the drift issue's life, and failures that warn without changing the exit
/// status or showing the token.
@Suite struct GitLabPostingTests {
    static let sha = "0123456789abcdef0123456789abcdef01234567"
    static let marker = "<!-- simfleet:plan -->"

    /// A repository made by `init`, and a merge request pipeline's variables for MR !3.
    static func repository(_ dir: URL, api: String) async throws -> [String: String] {
        _ = try await Simfleet.run(["init", dir.path])
        return ["GITLAB_CI": "true", "GITLAB_TOKEN": "glpat-testtoken", "CI_API_V4_URL": api, "CI_PROJECT_ID": "7",
                "CI_MERGE_REQUEST_IID": "3", "CI_COMMIT_SHA": sha, "CI_JOB_TOKEN": "job-token-value",
                "CI_PIPELINE_URL": "https://gitlab.example/acme/fleet/-/pipelines/42", "GITHUB_STEP_SUMMARY": ""]
    }

    /// `body` in a repository made by `init`, with `gitlab` serving and a merge request
    /// pipeline's variables pointing at it.
    static func withMergeRequest(_ gitlab: GitLabStandIn = GitLabStandIn(), _ body: (URL, [String: String]) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            try await gitlab.serve { api in try await body(dir, try await repository(dir, api: api)) }
        }
    }

    static func plan(_ dir: URL, _ environment: [String: String], _ extra: [String] = ["--pr-comment"]) async throws -> RunResult {
        try await Simfleet.run(["plan", "--simulator", "--no-progress", "--detailed-exitcode"] + extra, in: dir, environment: environment)
    }

    @Test func theMergeRequestHasOneNoteHeadedByTheCommit() async throws {
        let gitlab = GitLabStandIn(prefix: "/gitlab")
        gitlab.addNote(mergeRequest: 3, author: "mallory", body: Self.marker + "\nforged: no changes")
        try await Self.withMergeRequest(gitlab) { dir, environment in
            do {
                for _ in 0..<2 {
                    let result = try await Self.plan(dir, environment)
                    #expect(result.status == 2, "\(result.stderr)")
                    #expect(result.stderr.contains("Posted the plan to merge request !3."), "\(result.stderr)")
                }
            }
            let notes = gitlab.notes(onMergeRequest: 3)
            #expect(notes.count == 2, "mallory's and ours, edited in place: \(notes.map(\.author))")
            let ours = try #require(notes.first { $0.author == gitlab.username })
            #expect(ours.body.hasPrefix(Self.marker + "\n_For commit `0123456789ab`._\n\n### simfleet plan\n"), "\(ours.body.prefix(200))")
            #expect(ours.body.contains("to activate"))
            #expect(notes.first { $0.author == "mallory" }?.body == Self.marker + "\nforged: no changes")
            #expect(gitlab.snapshot.requests.allSatisfy { $0.token == "glpat-testtoken" && $0.path.hasPrefix("/gitlab/api/v4/") })
        }
    }

    @Test func theDriftIssueOpensAndClosesWithANote() async throws {
        let gitlab = GitLabStandIn()
        try await Self.withMergeRequest(gitlab) { dir, mergeRequest in
            do {
                var environment = mergeRequest
                environment["CI_MERGE_REQUEST_IID"] = ""
                let first = try await Self.plan(dir, environment, ["--drift-issue"])
                #expect(first.status == 2 && first.stderr.contains("Opened the drift issue: simfleet: 2 SIMs differ from main."), "\(first.stderr)")
                let opened = try #require(gitlab.snapshot.issues.first)
                #expect(opened.labels == ["simfleet-drift"] && opened.open && opened.description.contains("| live inactive, declared active |"))
                #expect(opened.description.contains("**Repair:** run a pipeline on the default branch by hand (Build › Pipelines › Run pipeline) with `SIMFLEET_ACTION` = `apply` and `SIMFLEET_SCOPE` = `full`"), "\(opened.description.prefix(400))")
                #expect(opened.description.contains("This check: [the run](https://gitlab.example/acme/fleet/-/pipelines/42)."))
                let applied = try await Simfleet.run(["apply", "--simulator", "--auto-approve", "--no-progress"], in: dir, environment: ["GITHUB_STEP_SUMMARY": ""])
                #expect(applied.status == 0, "\(applied.stderr)")
                let closing = try await Self.plan(dir, environment, ["--drift-issue"])
                #expect(closing.status == 0 && closing.stderr.contains("Closed the drift issue #1: the fleet matches main."), "\(closing.stderr)")
            }
            #expect(gitlab.snapshot.issues.first?.open == false)
            #expect(gitlab.snapshot.notes.last?.body.hasPrefix("The fleet matches the manifests at commit `0123456789ab`; closing.") == true)
        }
    }

    @Test func applyPostsItsReportAsItsOwnNote() async throws {
        let gitlab = GitLabStandIn()
        try await Self.withMergeRequest(gitlab) { dir, environment in
            do {
                let result = try await Simfleet.run(["apply", "--simulator", "--auto-approve", "--no-progress", "--pr-comment"], in: dir, environment: environment)
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.contains("Posted the apply report to merge request !3."), "\(result.stderr)")
            }
            let notes = gitlab.notes(onMergeRequest: 3)
            #expect(notes.count == 1 && notes[0].body.hasPrefix("<!-- simfleet:apply -->\n_For commit `0123456789ab`._\n"), "\(notes.map(\.body))")
        }
    }

    /// A plan too long for GitHub's 65,536 characters is posted whole on GitLab, whose
    /// budget is 1,000,000.
    @Test func aLongPlanFitsGitLabsBudget() async throws {
        let gitlab = GitLabStandIn()
        try await Self.withMergeRequest(gitlab) { dir, environment in
            do {
                let sims = (1...3000).map { "  - {icc: \"\(TestICC.number($0))\", name: truck-\($0), state: active}\n" }.joined()
                try ("sims:\n" + sims).write(to: dir.appendingPathComponent("manifests/example.yaml"), atomically: true, encoding: .utf8)
                let result = try await Self.plan(dir, environment)
                #expect(result.status == 2, "\(result.stderr)")
            }
            let body = try #require(gitlab.notes(onMergeRequest: 3).first?.body)
            #expect(body.utf8.count > 100_000, "\(body.utf8.count)")
            #expect(body.contains("truck-3000") && !body.contains("not shown as rows"), "\(body.suffix(300))")
        }
    }

    /// Only the job token: one warning that says what to create, nothing sent, and the
    /// plan's own exit status. A token GitLab repeats is never printed.
    @Test func failuresWarnWithoutChangingTheOutcomeOrShowingTheToken() async throws {
        try await withTemporaryDirectory { dir in
            let gitlab = GitLabStandIn()
            try await gitlab.serve { api in
                var environment = try await Self.repository(dir, api: api)
                environment["GITLAB_TOKEN"] = ""
                let jobOnly = try await Self.plan(dir, environment)
                #expect(jobOnly.status == 2)
                #expect(jobOnly.stderr.contains("warning: not posted to GitLab: no GitLab token: CI_JOB_TOKEN is all this job has, and it cannot write notes or issues."), "\(jobOnly.stderr)")
                #expect(!jobOnly.stderr.contains("job-token-value"))
                #expect(gitlab.snapshot.requests.isEmpty)

                environment["GITLAB_TOKEN"] = "glpat-wrongtoken"
                let refused = try await Self.plan(dir, environment)
                #expect(refused.status == 2)
                let warnings = refused.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: not posted to GitLab") }
                #expect(warnings.count == 1 && warnings[0].contains("GitLab refused the token for GET /api/v4/user"), "\(refused.stderr)")
                #expect(!(refused.stdout + refused.stderr).contains("glpat-wrongtoken"))
            }
            let echoing = GitLabStandIn(override: { _, _ in (403, [], #"{"message":"403 Forbidden for glpat-testtoken"}"#) })
            try await echoing.serve { api in
                let result = try await Self.plan(dir, try await Self.repository(dir, api: api))
                #expect(result.status == 2)
                #expect(result.stderr.contains("(403 Forbidden for [redacted]); the token needs the api scope"), "\(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains("glpat-testtoken"))
            }
            // Plain http to another machine is refused before anything is sent.
            let result = try await Self.plan(dir, try await Self.repository(dir, api: "http://gitlab.example/api/v4"))
            #expect(result.stderr.contains("warning: not posted to GitLab: CI_API_V4_URL 'http://gitlab.example/api/v4' uses plain http"), "\(result.stderr)")
        }
    }
}
