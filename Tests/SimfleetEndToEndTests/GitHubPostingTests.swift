import Foundation
import TestSupport
import Testing

/// `plan --pr-comment` and `--drift-issue` against a loopback GitHub: one marked comment
/// edited in place, other people's comments left alone, the drift issue's life, and
/// failures that warn without changing the exit status or showing the token.
@Suite struct GitHubPostingTests {
    static let sha = "0123456789abcdef0123456789abcdef01234567"
    static let marker = "<!-- simfleet:plan -->"

    /// A repository made by `init`, and an Actions event for pull request 7.
    static func repository(_ dir: URL) async throws -> [String: String] {
        _ = try await Simfleet.run(["init", dir.path])
        let event = dir.appendingPathComponent("event.json")
        try #"{"action":"synchronize","pull_request":{"number":7,"head":{"sha":"\#(sha)"}}}"#.write(to: event, atomically: true, encoding: .utf8)
        return ["GITHUB_TOKEN": "ghs_testtoken", "GITHUB_REPOSITORY": "acme/fleet", "GITHUB_EVENT_PATH": event.path,
                "GITHUB_SHA": "", "GITHUB_STEP_SUMMARY": "", "GITLAB_CI": ""]
    }

    /// `body` in a temporary repository made by `repository(_:)`, with its environment.
    static func withRepository(_ body: (URL, [String: String]) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in try await body(dir, try await repository(dir)) }
    }

    static func expectStatus(_ result: RunResult, _ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
    }

    static func plan(_ dir: URL, _ environment: [String: String], api: String, _ extra: [String] = ["--pr-comment"]) async throws -> RunResult {
        var environment = environment
        environment["GITHUB_API_URL"] = api
        return try await Simfleet.run(["plan", "--simulator", "--no-progress", "--detailed-exitcode"] + extra, in: dir, environment: environment)
    }

    @Test func ourCommentIsFoundPastTheFirstPageAndEditedInPlace() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub(pageSize: 100)
            for n in 0..<150 { stub.addComment(issue: 7, author: "someone", body: "comment \(n)") }
            stub.addComment(issue: 7, author: "github-actions[bot]", body: Self.marker + "\nan old plan")
            let ours = stub.snapshot.comments.last!.id
            try await stub.serve { api in
                let result = try await Self.plan(dir, environment, api: api)
                #expect(result.status == 2, "\(result.stderr)")
                #expect(result.stderr.contains("Posted the plan to pull request #7."), "\(result.stderr)")
            }
            let state = stub.snapshot
            #expect(state.comments.count == 151, "no new comment")
            let edited = try #require(state.comments.first { $0.id == ours })
            #expect(edited.body.hasPrefix(Self.marker + "\n_For commit `0123456789ab`._\n\n### simfleet plan\n"), "\(edited.body.prefix(200))")
            #expect(edited.body.contains("to activate"))
            #expect(state.requests.filter { $0.method == "GET" }.count == 2, "two pages read")
            #expect(state.requests.last?.method == "PATCH")
        }
    }

    @Test func anotherUsersCommentWithOurMarkerIsLeftAlone() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub()
            stub.addComment(issue: 7, author: "mallory", body: Self.marker + "\nforged plan: No changes")
            try await stub.serve { api in
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 2)
                // A second run edits the comment the first created.
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 2)
            }
            let state = stub.snapshot
            #expect(state.comments.first?.body == Self.marker + "\nforged plan: No changes")
            #expect(state.comments.count == 2)
            #expect(state.comments.last?.author == "github-actions[bot]")
            #expect(state.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test func aDeletedCommentIsReplaced() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub()
            stub.addComment(issue: 7, author: "github-actions[bot]", body: Self.marker + "\nold")
            _ = stub.state.withLock { $0.deleted.insert($0.comments[0].id) }
            try await stub.serve { api in
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 2)
            }
            #expect(stub.snapshot.requests.map(\.method) == ["GET", "PATCH", "POST"])
        }
    }

    @Test func gitHubEnterpriseServerPathsAreUnderItsAPIPrefix() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub(prefix: "/api/v3")
            try await stub.serve { api in
                #expect(api.hasSuffix("/api/v3"))
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 2)
            }
            let paths = stub.snapshot.requests.map(\.path)
            #expect(paths == ["/api/v3/repos/acme/fleet/issues/7/comments?per_page=100", "/api/v3/repos/acme/fleet/issues/7/comments"])
        }
    }

    /// No stale plan survives a push that breaks the manifests: the comment shows why.
    @Test func invalidManifestsReplaceThePlanWithTheErrors() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub()
            stub.addComment(issue: 7, author: "github-actions[bot]", body: Self.marker + "\nyesterday's plan")
            try "sims:\n  - {icc: \"89450100250731069755\", state: active}\n".write(to: dir.appendingPathComponent("manifests/example.yaml"), atomically: true, encoding: .utf8)
            try await stub.serve { api in
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 1)
            }
            let body = try #require(stub.snapshot.comments.first?.body)
            #expect(body.hasPrefix(Self.marker + "\n### simfleet plan\n\n**No plan for commit `0123456789ab`**"), "\(body)")
            #expect(body.contains("manifests/example.yaml:2:11: error: ICC '89450100250731069755' fails its Luhn check"), "\(body)")
        }
    }

    /// A failure to post warns in one line; the plan's exit status stands, and the token
    /// never shows, even when GitHub repeats it.
    @Test func failuresWarnWithoutChangingTheOutcomeOrShowingTheToken() async throws {
        try await withTemporaryDirectory { dir in
            var environment = try await Self.repository(dir)
            environment["GITHUB_TOKEN"] = "ghs_wrongtoken"
            let stub = GitHubStub()
            try await stub.serve { api in
                let result = try await Self.plan(dir, environment, api: api)
                #expect(result.status == 2)
                let warnings = result.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: not posted to GitHub") }
                #expect(warnings.count == 1, "\(result.stderr)")
                #expect(warnings.first?.contains("GitHub refused the token for GET /repos/acme/fleet/issues/7/comments?per_page=100 (Bad credentials: Bearer [redacted]); check GITHUB_TOKEN") == true, "\(result.stderr)")
                #expect(!result.stderr.contains("ghs_wrongtoken") && !result.stdout.contains("ghs_wrongtoken"))
            }
            let limited = GitHubStub { method, _ in (403, [("retry-after", "60")], #"{"message":"You have exceeded a secondary rate limit"}"#) }
            try await limited.serve { api in
                let result = try await Self.plan(dir, try Self.repository(dir), api: api)
                #expect(result.status == 2)
                #expect(result.stderr.contains("GitHub's secondary rate limit stopped GET /repos/acme/fleet/issues/7/comments?per_page=100 (You have exceeded a secondary rate limit); retry after 60 s"), "\(result.stderr)")
            }
            // Plain http to another machine is refused before anything is sent.
            let result = try await Self.plan(dir, try Self.repository(dir), api: "http://github.example")
            #expect(result.status == 2)
            #expect(result.stderr.contains("warning: not posted to GitHub: GITHUB_API_URL 'http://github.example' uses plain http"), "\(result.stderr)")
        }
    }

    /// A next page on another host is not followed: the token stays with the API.
    @Test func aNextPageElsewhereIsNotFollowed() async throws {
        try await Self.withRepository { dir, environment in
            let stub = GitHubStub { method, path in
                method == "GET" ? (200, [("Link", #"<https://evil.example/steal?page=2>; rel="next""#)], "[]") : nil
            }
            try await stub.serve { api in
                await Self.expectStatus(try Self.plan(dir, environment, api: api), 2)
            }
            #expect(stub.snapshot.requests.map(\.method) == ["GET", "POST"])
        }
    }

    @Test func theDriftIssueOpensUpdatesAndCloses() async throws {
        try await withTemporaryDirectory { dir in
            var environment = try await Self.repository(dir)
            environment["GITHUB_EVENT_PATH"] = ""
            environment["GITHUB_SHA"] = Self.sha
            let stub = GitHubStub()
            // A pull request and someone else's issue with the marker are never touched.
            stub.addIssue(number: 1, author: "github-actions[bot]", body: Self.marker + "\nnot an issue", labels: ["simfleet-drift"], isPullRequest: true)
            stub.addIssue(number: 2, author: "mallory", body: Self.marker + "\nforged", labels: ["simfleet-drift"])
            try await stub.serve { api in
                let first = try await Self.plan(dir, environment, api: api, ["--drift-issue", "--shard", "1/1"])
                Self.expectStatus(first, 2)
                #expect(first.stderr.contains("Opened the drift issue: simfleet: 2 SIMs differ from main."), "\(first.stderr)")
                let second = try await Self.plan(dir, environment, api: api, ["--drift-issue"])
                Self.expectStatus(second, 2)
                #expect(second.stderr.contains("Updated the drift issue #3: simfleet: 2 SIMs differ from main."), "\(second.stderr)")
            }
            var state = stub.snapshot
            let opened = try #require(state.issues.first { $0.number == 3 })
            #expect(opened.labels == ["simfleet-drift"] && opened.open && opened.body.contains("to activate"))
            // The picture opens the issue, above the table.
            #expect(opened.body.contains("### simfleet plan\n\n**Repair:** run the **simfleet apply** workflow by hand (Run workflow) with `scope: full`"), "\(opened.body.prefix(400))")
            #expect(opened.body.contains("```mermaid\npie showData title Drift: 2 SIMs by live and declared state\n"), "\(opened.body.prefix(600))")
            #expect(opened.title == "simfleet: 2 SIMs differ from main")
            // Shard 1/1 is every SIM: nothing calls the plan partial.
            #expect(!opened.body.contains("Partial plan"), "\(opened.body)")
            #expect(opened.body.contains("| ICC | name | state | wave |") && opened.body.contains("| live inactive, declared active |"), "\(opened.body)")
            #expect(state.issues.count == 3, "the second run found the open issue: \(state.issues.map(\.number))")
            #expect(state.issues[1].body == Self.marker + "\nforged" && state.issues[0].body == Self.marker + "\nnot an issue")

            // The fleet converges (the embedded simulator keeps its state in .simfleet/): the
            // issue is closed with a comment.
            Self.expectStatus(try await Simfleet.run(["apply", "--simulator", "--auto-approve", "--no-progress"], in: dir, environment: ["GITHUB_STEP_SUMMARY": ""]), 0)
            let closing = try await stub.serve { api in
                try await Self.plan(dir, environment, api: api, ["--drift-issue"])
            }
            state = stub.snapshot
            #expect(state.issues.first { $0.number == 3 }?.open == false, "\(state.requests.suffix(3))")
            #expect(closing.stderr.contains("Closed the drift issue #3: the fleet matches main."), "\(closing.stderr)")
            #expect(state.comments.last?.body.hasPrefix("The fleet matches the manifests at commit `0123456789ab`") == true)
        }
    }

    @Test func applyPostsItsReportAsItsOwnComment() async throws {
        try await withTemporaryDirectory { dir in
            var environment = try await Self.repository(dir)
            let stub = GitHubStub()
            stub.addComment(issue: 7, author: "github-actions[bot]", body: Self.marker + "\nthe plan")
            try await stub.serve { api in
                environment["GITHUB_API_URL"] = api
                Self.expectStatus(try await Simfleet.run(["apply", "--simulator", "--auto-approve", "--no-progress", "--pr-comment"], in: dir, environment: environment), 0)
            }
            let comments = stub.snapshot.comments
            #expect(comments.count == 2, "the plan's comment stays; the apply has its own")
            #expect(comments[0].body == Self.marker + "\nthe plan")
            #expect(comments[1].body.hasPrefix("<!-- simfleet:apply -->\n_For commit `0123456789ab`._\n"), "\(comments[1].body)")
            #expect(comments[1].body.contains("Apply complete"))
        }
    }
}
