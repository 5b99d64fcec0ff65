import ArgumentParser
import FleetModel
import Forge
import Foundation
import GitHub
import GitLab
import HTTPStack
import Platform
import Views

/// Where plan and apply post: the pull request on GitHub, or the merge request on GitLab
/// (a GitLab CI job: GITLAB_CI=true). A failure to post is a warning: it never changes the
/// exit status, which tells the plan's or the apply's own outcome.
struct ForgeOptions: ParsableArguments {
    @Flag(help: "Post the markdown as the pull request's (on GitLab CI, the merge request's) one marked comment, edited in place on later runs. GitHub: reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, and GITHUB_API_URL for GitHub Enterprise Server. GitLab: reads GITLAB_TOKEN (a project access token with the api scope; CI_JOB_TOKEN cannot write notes), CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID and CI_COMMIT_SHA.")
    var prComment = false

    @Option(help: "The pull request (GitLab: the merge request's IID) to comment on, when the run's event does not name one.")
    var pullRequest: Int?

    @Option(help: "Read the GitHub token from this file instead of GITHUB_TOKEN.")
    var githubTokenFile: String?

    @Option(help: "The login simfleet's comments and issues are written by on GitHub; only those are ever edited (default: github-actions[bot], the Actions token's). GitLab asks the token's own user (GET /user).")
    var githubIdentity: String?

    @Option(help: "Read the GitLab token from this file instead of GITLAB_TOKEN.")
    var gitlabTokenFile: String?

    /// The target on the forge this run is on, or a warning and nil.
    func target(needsPullRequest: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> PostingTarget? {
        let onGitLab = GitLabTarget.isGitLabCI(environment)
        var fileToken: String?
        if let path = onGitLab ? gitlabTokenFile : githubTokenFile {
            switch TextFile.read(path, limit: 64 * 1024) {
            case .success(let text): fileToken = text
            case .failure(let problem):
                PostingTarget.warn("cannot read the \(onGitLab ? "GitLab" : "GitHub") token file \(path): \(problem)", forge: onGitLab ? "GitLab" : "GitHub")
                return nil
            }
        }
        if onGitLab {
            switch GitLabTarget.from(environment: environment, token: fileToken, mergeRequest: pullRequest, needsMergeRequest: needsPullRequest) {
            case .success(let target): return PostingTarget(.gitLab(target))
            case .failure(let problem): PostingTarget.warn(problem.description, forge: "GitLab")
            }
        } else {
            switch GitHubTarget.from(environment: environment, token: fileToken, pullRequest: pullRequest, needsPullRequest: needsPullRequest,
                                     identity: githubIdentity) {
            case .success(let target): return PostingTarget(.gitHub(target))
            case .failure(let problem): PostingTarget.warn(problem.description, forge: "GitHub")
            }
        }
        return nil
    }
}

/// The one drift issue, and how its picture is broken down.
struct DriftOptions: ParsableArguments {
    @Flag(help: "Open, update or close the one drift issue (labelled --drift-label, found by its marker): open while the fleet differs, closed with a comment when it matches.")
    var driftIssue = false

    @Option(help: "The drift issue's label.")
    var driftLabel = "simfleet-drift"

    @Option(help: "Also break the drift picture (in the drift issue and the step summary) down by this label's values.")
    var groupBy: String?
}

/// Where to post, on either forge, with what posting needs of it.
struct PostingTarget: Sendable {
    enum Forge: Sendable {
        case gitHub(GitHubTarget)
        case gitLab(GitLabTarget)
    }

    let forge: Forge

    init(_ forge: Forge) { self.forge = forge }

    var name: String {
        switch forge {
        case .gitHub: "GitHub"
        case .gitLab: "GitLab"
        }
    }

    /// The commit the plan is for, shown under the marker.
    var commit: String? {
        switch forge {
        case .gitHub(let target): target.commit
        case .gitLab(let target): target.commit
        }
    }

    /// The pull or merge request, for comments.
    var change: Int? {
        switch forge {
        case .gitHub(let target): target.pullRequest
        case .gitLab(let target): target.mergeRequest
        }
    }

    /// This run's page, for the drift issue.
    var runURL: String? {
        switch forge {
        case .gitHub(let target): target.runURL
        case .gitLab(let target): target.pipelineURL
        }
    }

    /// The most markdown a comment or issue may hold, with room for the heading simfleet adds.
    var markdownLimit: Int {
        switch forge {
        case .gitHub: PlanView.markdownLimit
        case .gitLab: GitLabTarget.noteLimit - 1_000
        }
    }

    /// How the drift issue says to repair.
    var repairAdvice: String {
        switch forge {
        case .gitHub: PostedMarkdown.gitHubRepair
        case .gitLab: PostedMarkdown.gitLabRepair
        }
    }

    static func warn(_ text: String, forge: String) {
        Output.error("warning: not posted to \(forge): \(TerminalText.escape(text)); the exit status is the run's own")
    }

    /// A client through the environment's proxy, or nil with a warning.
    func client() -> (any ForgeClient)? {
        let environment = ProcessInfo.processInfo.environment
        let api = switch forge {
        case .gitHub(let target): target.apiURL
        case .gitLab(let target): target.apiURL
        }
        switch HTTPStack.settings(for: api, environment: environment) {
        case .success(let settings):
            return switch forge {
            case .gitHub(let target): GitHubClient(target: target, network: settings)
            case .gitLab(let target): GitLabClient(target: target, network: settings)
            }
        case .failure(let error):
            Self.warn(error.description, forge: name)
            return nil
        }
    }

    /// Edits the pull or merge request's marked comment, or creates it.
    func postComment(_ body: String, marker: String, what: String = "the plan") async {
        guard let number = change, let client = client() else { return }
        do throws(ForgeFailure) {
            Output.error(try await ForgePosting.comment(body, marker: marker, onChange: number, via: client, what: what))
        } catch {
            Self.warn(error.description, forge: name)
        }
        await client.shutdown()
    }

    /// Opens, updates or closes the one drift issue.
    func updateDriftIssue(_ found: Posting.Drift, marker: String, label: String) async {
        guard let client = client() else { return }
        do throws(ForgeFailure) {
            Output.error(try await ForgePosting.driftIssue(found, marker: marker, label: label, commit: commit, runLink: runURL, via: client))
        } catch {
            Self.warn(error.description, forge: name)
        }
        await client.shutdown()
    }
}
