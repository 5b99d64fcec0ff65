import FleetModel
import Forge

/// Where simfleet posts on GitLab, from GitLab CI's predefined variables: the API (a
/// self-managed instance under a path too), the project, the merge request, the token and
/// the commit. Every value is checked before anything is sent.
public struct GitLabTarget: Sendable {
    /// `CI_API_V4_URL` without a trailing slash: `https://gitlab.com/api/v4`, or
    /// `https://git.example/gitlab/api/v4`.
    public var apiURL: String
    /// `CI_PROJECT_ID` (digits), or a `group/project` path, as the API's path segment.
    public var project: String
    public var token: String
    /// The merge request's IID, for notes; nil for the drift issue.
    public var mergeRequest: Int?
    /// The commit the plan was made for: the merge request's head, or `CI_COMMIT_SHA`.
    public var commit: String?
    /// This pipeline's page (`CI_PIPELINE_URL`), for the drift issue.
    public var pipelineURL: String?

    /// GitLab refuses a note or description over 1,000,000 characters; markdown is
    /// measured in bytes, which are never fewer.
    public static let noteLimit = 1_000_000

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Whether this run is a GitLab CI job (`GITLAB_CI=true`, as GitLab sets it).
    public static func isGitLabCI(_ environment: [String: String]) -> Bool {
        environment["GITLAB_CI"] == "true"
    }

    /// Reads the environment; `token` comes from `GITLAB_TOKEN` unless a token file gave
    /// it, and the merge request from `CI_MERGE_REQUEST_IID` unless given.
    public static func from(environment: [String: String], token fileToken: String?, mergeRequest given: Int?,
                            needsMergeRequest: Bool) -> Result<GitLabTarget, Problem> {
        func fail(_ text: String) -> Result<GitLabTarget, Problem> { .failure(Problem(description: text)) }
        let jobToken = environment["CI_JOB_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let token = (fileToken ?? environment["GITLAB_TOKEN"])?.trimmingWhitespace ?? ""
        if token.isEmpty || token == jobToken {
            let why = jobToken == nil ? "" : " CI_JOB_TOKEN is all this job has, and it cannot write notes or issues."
            return fail("no GitLab token:\(why) Create a project access token with the api scope and the Reporter role, store it as a masked, protected CI/CD variable GITLAB_TOKEN, or pass --gitlab-token-file")
        }
        guard token.utf8.count <= 1024, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return fail("the GitLab token holds spaces, controls or non-ASCII characters, or is over 1,024 characters; check where it comes from")
        }
        var api = environment["CI_API_V4_URL"] ?? ""
        while api.hasSuffix("/") { api.removeLast() }
        guard !api.isEmpty else { return fail("CI_API_V4_URL is not set; GitLab CI sets it (e.g. https://gitlab.com/api/v4)") }
        if let problem = ForgeURL.problem(api) { return fail("CI_API_V4_URL '\(Diagnostic.excerpt(api))' \(problem)") }
        guard let project = projectSegment(environment["CI_PROJECT_ID"] ?? "") else {
            return fail("CI_PROJECT_ID must be the project's number (or its group/project path), as GitLab CI sets it; found '\(Diagnostic.excerpt(environment["CI_PROJECT_ID"] ?? ""))'")
        }
        var mergeRequest = given
        if mergeRequest == nil, let iid = environment["CI_MERGE_REQUEST_IID"], !iid.isEmpty {
            guard let number = positive(iid) else { return fail("CI_MERGE_REQUEST_IID must be a number; found '\(Diagnostic.excerpt(iid))'") }
            mergeRequest = number
        }
        if needsMergeRequest && mergeRequest == nil {
            return fail("no merge request: this pipeline is not a merge request pipeline (CI_MERGE_REQUEST_IID is unset); run the job with rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\", or pass --pull-request N")
        }
        let commit = [environment["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"], environment["CI_COMMIT_SHA"]]
            .compactMap { $0 }.first(where: CommitID.isValid)
        var target = GitLabTarget(apiURL: api, project: project, token: token, mergeRequest: mergeRequest, commit: commit)
        if let pipeline = environment["CI_PIPELINE_URL"], ForgeURL.problem(pipeline) == nil { target.pipelineURL = pipeline }
        return .success(target)
    }

    /// The project as a path segment: digits as they are, a `group/project` path with each
    /// `/` encoded, or nil.
    static func projectSegment(_ text: String) -> String? {
        if let number = positive(text) { return String(number) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (2...20).contains(parts.count), text.utf8.count <= 255, parts.allSatisfy({ part in
            !part.isEmpty && part != "." && part != ".." && part.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
            }
        }) else { return nil }
        return parts.joined(separator: "%2F")
    }

    static func positive(_ text: String) -> Int? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text), number > 0 else { return nil }
        return number
    }
}
