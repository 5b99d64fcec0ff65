import ArgumentParser
import FleetModel
import Foundation
import GitHub
import HTTPStack
import Platform
import Views

/// Where plan and apply post on GitHub. A failure to post is a warning: it never changes
/// the exit status, which tells the plan's or the apply's own outcome.
struct GitHubOptions: ParsableArguments {
    @Flag(help: "Post the markdown as the pull request's one marked comment, edited in place on later runs (reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, and GITHUB_API_URL for GitHub Enterprise Server).")
    var prComment = false

    @Option(help: "The pull request to comment on, when the run's event does not name one.")
    var pullRequest: Int?

    @Option(help: "Read the GitHub token from this file instead of GITHUB_TOKEN.")
    var githubTokenFile: String?

    @Option(help: "The login simfleet's comments and issues are written by; only those are ever edited (default: github-actions[bot], the Actions token's).")
    var githubIdentity: String?

    /// The target, or a warning and nil.
    func target(needsPullRequest: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> GitHubTarget? {
        var fileToken: String?
        if let githubTokenFile {
            switch TextFile.read(githubTokenFile, limit: 64 * 1024) {
            case .success(let text): fileToken = text
            case .failure(let problem):
                Self.warn("cannot read the GitHub token file \(githubTokenFile): \(problem)")
                return nil
            }
        }
        switch GitHubTarget.from(environment: environment, token: fileToken, pullRequest: pullRequest, needsPullRequest: needsPullRequest,
                                 identity: githubIdentity) {
        case .success(let target): return target
        case .failure(let problem):
            Self.warn(problem.description)
            return nil
        }
    }

    static func warn(_ text: String) {
        Output.error("warning: not posted to GitHub: \(TerminalText.escape(text)); the exit status is the run's own")
    }

    /// A client for GitHub through the environment's proxy, or nil with a warning.
    static func client(_ target: GitHubTarget) -> GitHubClient? {
        switch HTTPStack.settings(for: target.apiURL, environment: ProcessInfo.processInfo.environment) {
        case .success(let settings): return GitHubClient(target: target, network: settings)
        case .failure(let error):
            warn(error.description)
            return nil
        }
    }

    /// Edits the pull request's marked comment, or creates it.
    static func postComment(_ body: String, marker: String, to target: GitHubTarget, what: String = "the plan") async {
        guard let number = target.pullRequest, let client = client(target) else { return }
        do throws(GitHubClient.Failure) {
            let comments = try await client.comments(onIssue: number)
            switch Posting.comment(among: comments, marker: marker, identity: target.identity) {
            case .update(let id):
                // Deleted since it was listed: a new one takes its place.
                if try await !client.updateComment(id: id, body: body) { try await client.createComment(onIssue: number, body: body) }
            case .create:
                try await client.createComment(onIssue: number, body: body)
            }
            Output.error("Posted \(what) to pull request #\(number).")
        } catch {
            warn(error.description)
        }
        await client.shutdown()
    }

    /// Opens, updates or closes the one drift issue.
    static func updateDriftIssue(_ found: Posting.Drift, marker: String, label: String, to target: GitHubTarget) async {
        guard let client = client(target) else { return }
        do throws(GitHubClient.Failure) {
            let issues = try await client.openIssues(label: label)
            let actions = Posting.driftIssue(among: issues, marker: marker, identity: target.identity, found: found,
                                             matchedNote: "The fleet matches the manifests\(target.commit.map { " at commit `\($0.prefix(12))`" } ?? ""); closing.",
                                             runLink: target.runURL)
            var said: [String] = []
            for action in actions {
                switch action {
                case .create(let title, let body):
                    try await client.createIssue(title: title, body: body, labels: [label])
                    said.append("Opened the drift issue: \(title).")
                case .update(let number, let title, let body):
                    try await client.updateIssue(number: number, fields: ["title": .string(title), "body": .string(body)])
                    said.append("Updated the drift issue #\(number): \(title).")
                case .comment(let number, let body):
                    try await client.createComment(onIssue: number, body: body)
                case .close(let number):
                    try await client.updateIssue(number: number, fields: ["state": .string("closed")])
                    said.append("Closed the drift issue #\(number): the fleet matches main.")
                }
            }
            Output.error(said.isEmpty ? "The drift issue is as it should be." : said.joined(separator: " "))
        } catch {
            warn(error.description)
        }
        await client.shutdown()
    }
}
