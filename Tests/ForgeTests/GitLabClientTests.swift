import Clocks
import Forge
@testable import GitLab
import NIOHTTP1
import TestSupport
import Synchronization
import Testing

/// The GitLab client against a loopback GitLab: the one marked note found across every
/// page and edited in place, the drift issue's life, and every way GitLab says no.
@Suite struct GitLabClientTests {
    static let marker = "<!-- simfleet:plan -->"
    static let sha = "0123456789abcdef0123456789abcdef01234567"

    static func target(_ api: String, project: String = "7", mergeRequest: Int? = 3, token: String = "glpat-testtoken") -> GitLabTarget {
        GitLabTarget(apiURL: api, project: project, token: token, mergeRequest: mergeRequest, commit: sha)
    }

    static func comment(_ body: String, on api: String, clock: any Clock<Duration> = ImmediateClock()) async throws(ForgeFailure) -> String {
        let client = GitLabClient(target: target(api), clock: clock)
        defer { Task { await client.shutdown() } }
        return try await ForgePosting.comment(body, marker: marker, onChange: 3, via: client, what: "the plan")
    }

    @Test(arguments: [true, false])
    func ourNoteIsFoundPastTheFirstPageAndEditedInPlace(linkHeaders: Bool) async throws {
        let gitlab = GitLabStandIn(pageSize: 20, linkHeaders: linkHeaders)
        for n in 0..<45 { gitlab.addNote(mergeRequest: 3, author: "someone", body: "note \(n)") }
        gitlab.addNote(mergeRequest: 3, author: gitlab.username, body: Self.marker + "\nchanged the description", system: true)
        gitlab.addNote(mergeRequest: 3, author: "mallory", body: Self.marker + "\nforged: no changes")
        gitlab.addNote(mergeRequest: 3, author: gitlab.username, body: Self.marker + "\nthe old plan")
        let ours = gitlab.snapshot.notes.last!.id
        try await gitlab.serve { api in
            let said = try await Self.comment(Self.marker + "\nthe new plan", on: api)
            #expect(said == "Posted the plan to merge request !3.")
        }
        let notes = gitlab.notes(onMergeRequest: 3)
        #expect(notes.count == 48, "no new note")
        #expect(notes.first { $0.id == ours }?.body == Self.marker + "\nthe new plan")
        #expect(notes.first { $0.author == "mallory" }?.body == Self.marker + "\nforged: no changes")
        #expect(notes.first { $0.system }?.body == Self.marker + "\nchanged the description")
        let reads = gitlab.snapshot.requests.filter { $0.method == "GET" && $0.path.contains("/notes") }
        #expect(reads.count == 3, "three pages of 20: \(reads.map(\.path))")
        #expect(gitlab.snapshot.requests.last?.method == "PUT")
    }

    @Test func aFirstRunCreatesTheNoteAndASecondEditsIt() async throws {
        let gitlab = GitLabStandIn(project: "acme%2Ffleet", prefix: "/gitlab")
        try await gitlab.serve { api in
            #expect(api.hasSuffix("/gitlab/api/v4"))
            for body in ["first", "second"] {
                let client = GitLabClient(target: Self.target(api, project: "acme%2Ffleet"), clock: ImmediateClock())
                _ = try await ForgePosting.comment(Self.marker + "\n" + body, marker: Self.marker, onChange: 3, via: client, what: "the plan")
                await client.shutdown()
            }
        }
        #expect(gitlab.notes(onMergeRequest: 3).map(\.body) == [Self.marker + "\nsecond"])
        #expect(gitlab.snapshot.requests.allSatisfy { $0.path.hasPrefix("/gitlab/api/v4/") && $0.token == "glpat-testtoken" })
    }

    /// A `Link` to another host is not followed: the token goes only to the API.
    @Test func aNextPageElsewhereIsNotFollowed() async throws {
        let elsewhere = GitLabStandIn()
        try await elsewhere.serve { other in
            let gitlab = GitLabStandIn(override: { method, path in
                guard method == "GET", path.contains("/notes") else { return nil }
                return (200, [("Link", #"<\#(other)/projects/7/merge_requests/3/notes?page=2>; rel="next""#), ("X-Next-Page", "2")], "[]")
            })
            try await gitlab.serve { api in _ = try await Self.comment(Self.marker + "\nplan", on: api) }
            #expect(gitlab.snapshot.requests.filter { $0.method == "GET" && $0.path.contains("/notes") }.count == 1)
        }
        #expect(elsewhere.snapshot.requests.isEmpty, "\(elsewhere.snapshot.requests)")
    }

    @Test func aRateLimitIsWaitedOutWhenItIsShort() async throws {
        let refusals = Counter()
        let gitlab = GitLabStandIn(override: { method, _ in
            guard method == "GET", refusals.next() < 2 else { return nil }
            return (429, [("Retry-After", "7")], #"{"message":"429 Too Many Requests"}"#)
        })
        let clock = ImmediateClock()
        let start = clock.now
        try await gitlab.serve { api in _ = try await Self.comment(Self.marker + "\nplan", on: api, clock: clock) }
        #expect(clock.now == start.advanced(by: .seconds(14)), "two waits of 7 s")
        #expect(gitlab.notes(onMergeRequest: 3).count == 1)
    }

    @Test(arguments: [
        (429, [("Retry-After", "120")], #"{"message":"429 Too Many Requests"}"#, "GitLab's rate limit stopped GET /api/v4/user (429 Too Many Requests); retry after 120 s"),
        (401, [], #"{"message":"401 Unauthorized glpat-testtoken"}"#, "GitLab refused the token for GET /api/v4/user (401 Unauthorized [redacted]); check GITLAB_TOKEN"),
        (403, [], #"{"message":"403 Forbidden"}"#, "the token needs the api scope"),
        (404, [], #"{"message":"404 Project Not Found"}"#, "check CI_API_V4_URL, CI_PROJECT_ID"),
        (302, [("Location", "https://evil.example/")], "", "GitLab answered 302 to GET /api/v4/user"),
    ] as [(Int, [(String, String)], String, String)])
    func eachRefusalIsOneLineWithoutTheToken(code: Int, headers: [(String, String)], body: String, expected: String) async throws {
        let gitlab = GitLabStandIn(override: { _, _ in (code, headers, body) })
        let clock = ImmediateClock()
        let start = clock.now
        try await gitlab.serve { api in
            do throws(ForgeFailure) {
                _ = try await Self.comment("x", on: api, clock: clock)
                Issue.record("posted despite \(code)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(!error.description.contains("glpat-testtoken"))
            }
        }
        #expect(gitlab.snapshot.requests.count == 1, "nothing retried or followed")
        #expect(clock.now == start)
    }

    @Test func aNoteTooLongSaysGitLabsLimit() async throws {
        let gitlab = GitLabStandIn(override: { method, _ in
            method == "POST" ? (400, [], #"{"message":{"note":["is too long (maximum is 1000000 characters)"]}}"#) : nil
        })
        try await gitlab.serve { api in
            let error = await #expect(throws: ForgeFailure.self) { try await Self.comment("x", on: api) }
            #expect(error?.description.contains("(note is too long (maximum is 1000000 characters)); a note holds at most 1,000,000 characters") == true,
                    "\(error?.description ?? "")")
        }
    }

    @Test func theDriftIssueIsOpenedUpdatedAndClosed() async throws {
        let gitlab = GitLabStandIn()
        gitlab.addIssue(iid: 1, author: "mallory", description: Self.marker + "\nforged", labels: ["simfleet-drift"])
        try await gitlab.serve { api in
            func check(_ found: Posting.Drift) async throws -> String {
                let client = GitLabClient(target: Self.target(api, mergeRequest: nil), clock: ImmediateClock())
                defer { Task { await client.shutdown() } }
                return try await ForgePosting.driftIssue(found, marker: Self.marker, label: "simfleet-drift", commit: Self.sha,
                                                         runLink: "https://gitlab.example/acme/fleet/-/pipelines/9", via: client)
            }
            var said: [String] = []
            for found in [Posting.Drift.differs(count: 2, body: Self.marker + "\ntwo"), .differs(count: 3, body: Self.marker + "\nthree"), .matches, .matches] {
                said.append(try await check(found))
            }
            #expect(said == ["Opened the drift issue: simfleet: 2 SIMs differ from main.", "Updated the drift issue #2: simfleet: 3 SIMs differ from main.",
                             "Closed the drift issue #2: the fleet matches main.", "The drift issue is as it should be."])
        }
        let state = gitlab.snapshot
        #expect(state.issues.map(\.open) == [true, false], "mallory's issue is left alone")
        #expect(state.issues[1].labels == ["simfleet-drift"] && state.issues[1].title == "simfleet: 3 SIMs differ from main")
        #expect(state.notes.filter { $0.issue == 2 }.map(\.body) == [
            "3 SIMs differ from main (+1 since the last check) ([run](https://gitlab.example/acme/fleet/-/pipelines/9)).",
            "The fleet matches the manifests at commit `0123456789ab`; closing. ([run](https://gitlab.example/acme/fleet/-/pipelines/9))",
        ])
    }

    @Test(arguments: [
        ([:], "no GitLab token: Create a project access token"),
        (["CI_JOB_TOKEN": "job"], "CI_JOB_TOKEN is all this job has, and it cannot write notes or issues"),
        (["CI_JOB_TOKEN": "job", "GITLAB_TOKEN": "job"], "CI_JOB_TOKEN is all this job has"),
        (["GITLAB_TOKEN": "a b"], "spaces, controls or non-ASCII"),
        (["GITLAB_TOKEN": "t", "CI_API_V4_URL": "http://gitlab.example/api/v4"], "uses plain http"),
        (["GITLAB_TOKEN": "t", "CI_API_V4_URL": "https://u@gitlab.example/api/v4"], "no user, query or fragment"),
        (["GITLAB_TOKEN": "t", "CI_PROJECT_ID": "../x"], "CI_PROJECT_ID must be the project's number"),
        (["GITLAB_TOKEN": "t", "CI_MERGE_REQUEST_IID": "3;rm"], "CI_MERGE_REQUEST_IID must be a number"),
        (["GITLAB_TOKEN": "t", "CI_MERGE_REQUEST_IID": ""], "no merge request: this pipeline is not a merge request pipeline"),
    ] as [([String: String], String)])
    func theEnvironmentIsCheckedWhole(overrides: [String: String], problem: String) {
        var environment = ["GITLAB_CI": "true", "CI_API_V4_URL": "https://gitlab.example/api/v4", "CI_PROJECT_ID": "7", "CI_MERGE_REQUEST_IID": "3"]
        environment.merge(overrides) { $1 }
        guard case .failure(let found) = GitLabTarget.from(environment: environment, token: nil, mergeRequest: nil, needsMergeRequest: true) else {
            Issue.record("accepted \(overrides)")
            return
        }
        #expect(found.description.contains(problem), "\(found.description)")
    }

    @Test func aGoodEnvironmentNamesTheMergeRequestsHead() throws {
        let environment = ["GITLAB_CI": "true", "GITLAB_TOKEN": " glpat-x\n", "CI_API_V4_URL": "https://git.example/gitlab/api/v4/", "CI_PROJECT_ID": "acme/iot/fleet",
                           "CI_MERGE_REQUEST_IID": "12", "CI_COMMIT_SHA": String(repeating: "b", count: 40), "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": Self.sha,
                           "CI_PIPELINE_URL": "https://git.example/gitlab/acme/iot/fleet/-/pipelines/5"]
        let target = try GitLabTarget.from(environment: environment, token: nil, mergeRequest: nil, needsMergeRequest: true).get()
        #expect(target.apiURL == "https://git.example/gitlab/api/v4" && target.project == "acme%2Fiot%2Ffleet" && target.token == "glpat-x")
        #expect(target.mergeRequest == 12 && target.commit == Self.sha && target.pipelineURL == environment["CI_PIPELINE_URL"])
    }

    @Test func xNextPageReplacesThePageParameter() {
        var headers = HTTPHeaders([("X-Next-Page", "3")])
        #expect(GitLabClient.nextPage(after: "https://g.example/api/v4/x?per_page=100&page=2", headers: headers, api: "https://g.example/api/v4")
            == "https://g.example/api/v4/x?per_page=100&page=3")
        headers = HTTPHeaders([("X-Next-Page", "")])
        #expect(GitLabClient.nextPage(after: "https://g.example/api/v4/x", headers: headers, api: "https://g.example/api/v4") == nil)
        headers = HTTPHeaders([("Link", #"<https://g.example/api/v5/x?page=2>; rel="next""#), ("X-Next-Page", "2")])
        #expect(GitLabClient.nextPage(after: "https://g.example/api/v4/x", headers: headers, api: "https://g.example/api/v4") == nil,
                "a Link outside the API is not followed, and not replaced by X-Next-Page")
    }
}

/// Counts calls from the server's threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    func next() -> Int { count.withLock { value in defer { value += 1 }; return value } }
}
