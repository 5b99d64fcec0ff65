@testable import Forge
import GitHub
import Testing

/// What to post, decided without I/O.
@Suite struct PostingTests {
    static let marker = "<!-- simfleet:plan -->"
    static let bot = "github-actions[bot]"

    @Test(arguments: [
        ([], Posting.CommentAction.create),
        ([Posting.Item(id: 1, author: bot, body: marker + "\nplan")], .update(id: 1)),
        ([Posting.Item(id: 1, author: "mallory", body: marker + "\nforged")], .create),
        ([Posting.Item(id: 1, author: bot, body: "<!-- simfleet:plan:other -->\nplan")], .create),
        ([Posting.Item(id: 1, author: bot, body: marker + "x\nlonger marker")], .create),
        ([Posting.Item(id: 1, author: "mallory", body: marker + "\nforged"), Posting.Item(id: 2, author: bot, body: marker)], .update(id: 2)),
    ] as [([Posting.Item], Posting.CommentAction)])
    func theOneMarkedCommentOfOurs(comments: [Posting.Item], expected: Posting.CommentAction) {
        #expect(Posting.comment(among: comments, marker: Self.marker, identity: Self.bot) == expected)
    }

    @Test func theDriftIssueLivesWhileDriftDoes() {
        let ours = Posting.Item(id: 5, author: Self.bot, body: Self.marker + "\nold\n" + Posting.countLine(2) + "\n")
        let pull = Posting.Item(id: 6, author: Self.bot, body: Self.marker + "\npr", isPullRequest: true)
        func decide(_ issues: [Posting.Item], _ found: Posting.Drift, run: String? = nil) -> [Posting.IssueAction] {
            Posting.driftIssue(among: issues, marker: Self.marker, identity: Self.bot, found: found, matchedNote: "matches", runLink: run)
        }
        let body = { (text: String, count: Int) in text + "\n" + Posting.countLine(count) + "\n" }
        #expect(decide([], .matches) == [])
        // The title carries the count; the body keeps it hidden for the next check.
        #expect(decide([pull], .differs(count: 5, body: "b")) == [.create(title: "simfleet: 5 SIMs differ from main", body: body("b", 5))])
        #expect(decide([pull], .differs(count: 1, body: "b")) == [.create(title: "simfleet: 1 SIM differs from main", body: body("b", 1))])
        // The count changed since the last check: the body holds the state, a comment the change.
        #expect(decide([ours], .differs(count: 5, body: "b"), run: "https://github.com/a/b/actions/runs/9") == [
            .update(number: 5, title: "simfleet: 5 SIMs differ from main", body: body("b", 5)),
            .comment(number: 5, body: "5 SIMs differ from main (+3 since the last check) ([run](https://github.com/a/b/actions/runs/9))."),
        ])
        #expect(decide([ours], .differs(count: 1, body: "b")) == [
            .update(number: 5, title: "simfleet: 1 SIM differs from main", body: body("b", 1)),
            .comment(number: 5, body: "1 SIM differs from main (−1 since the last check)."),
        ])
        // Same count, new body: updated without a comment. Same body: nothing.
        #expect(decide([ours], .differs(count: 2, body: "b")) == [.update(number: 5, title: "simfleet: 2 SIMs differ from main", body: body("b", 2))])
        #expect(decide([ours], .differs(count: 2, body: Self.marker + "\nold")) == [])
        #expect(decide([ours], .failed(body: "f")) == [.update(number: 5, title: "simfleet: the drift check could not plan", body: "f"),
                                                       .comment(number: 5, body: "The drift check could not plan; the issue says why.")])
        #expect(decide([ours], .matches) == [.comment(number: 5, body: "matches"), .close(number: 5)])
    }

    @Test func aNextPageIsReadFromTheLinkHeader() {
        #expect(ForgeURL.nextPage(#"<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last""#)
            == "https://api.github.com/x?page=2")
        #expect(ForgeURL.nextPage(#"<https://api.github.com/x?page=1>; rel="prev""#) == nil)
        #expect(ForgeURL.nextPage(nil) == nil)
        #expect(ForgeURL.origin(of: "https://ghe.example:8443/api/v3") == "https://ghe.example:8443")
    }

    @Test(arguments: [
        ("https://api.github.com", nil),
        ("https://ghe.example/api/v3", nil),
        ("http://127.0.0.1:8080/api/v3", nil),
        ("http://github.example", "uses plain http"),
        ("ftp://x", "must start with https://"),
        ("https://user@github.example", "no user, query or fragment"),
        ("https://github.example/?q=1", "no user, query or fragment"),
        ("https://github.example/\u{1B}[2J", "control characters"),
    ] as [(String, String?)])
    func theAPIURLIsHttpsOrLoopback(url: String, problem: String?) {
        let found = ForgeURL.problem(url)
        if let problem { #expect(found?.contains(problem) == true, "\(found ?? "nil")") } else { #expect(found == nil) }
    }

    @Test func theEnvironmentIsCheckedWhole() {
        let good = ["GITHUB_TOKEN": "t0k", "GITHUB_REPOSITORY": "acme/fleet"]
        func problem(_ environment: [String: String], pullRequest: Int? = 3) -> String? {
            if case .failure(let problem) = GitHubTarget.from(environment: environment, token: nil, pullRequest: pullRequest, needsPullRequest: true, identity: nil) {
                return problem.description
            }
            return nil
        }
        #expect(problem(good) == nil)
        #expect(problem(good, pullRequest: nil)?.hasPrefix("no pull request") == true)
        #expect(problem(["GITHUB_REPOSITORY": "acme/fleet"])?.hasPrefix("no GitHub token") == true)
        #expect(problem(["GITHUB_TOKEN": "a b", "GITHUB_REPOSITORY": "acme/fleet"])?.contains("spaces, controls") == true)
        #expect(problem(["GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/../x"])?.hasPrefix("GITHUB_REPOSITORY must be owner/repository") == true)
        #expect(problem(["GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/fleet", "GITHUB_API_URL": "http://evil.example"])?.contains("plain http") == true)
    }
}
