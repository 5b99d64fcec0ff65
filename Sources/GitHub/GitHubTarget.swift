import FleetModel
import Forge
import Platform

/// Where simfleet posts on GitHub, from the conventional Actions environment: the API
/// (GitHub Enterprise Server too), the repository, the pull request, the token, and the
/// identity simfleet's own comments carry. Every value is checked before anything is sent.
public struct GitHubTarget: Sendable {
    /// Without a trailing slash: `https://api.github.com`, or `https://ghe.example/api/v3`.
    public var apiURL: String
    public var owner: String
    public var repository: String
    public var token: String
    /// The login simfleet's comments are written by; only they are ever edited. The
    /// Actions token posts as `github-actions[bot]`, and GitHub answers that token's
    /// `GET /user` with 403, so the identity is configured rather than asked for.
    public var identity: String
    /// The pull request, for comments; nil for the drift issue.
    public var pullRequest: Int?
    /// The commit the plan was made for: the pull request's head, or `GITHUB_SHA`.
    public var commit: String?
    /// This workflow run's page, for the drift issue: from `GITHUB_SERVER_URL`,
    /// `GITHUB_REPOSITORY` and `GITHUB_RUN_ID`, each checked; nil outside Actions.
    public var runURL: String?

    public static let defaultAPIURL = "https://api.github.com"
    public static let defaultIdentity = "github-actions[bot]"

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads the environment; `token` comes from `GITHUB_TOKEN` unless a token file gave
    /// it, and `pullRequest` from `GITHUB_EVENT_PATH` unless given.
    public static func from(environment: [String: String], token fileToken: String?, pullRequest given: Int?, needsPullRequest: Bool,
                            identity: String?) -> Result<GitHubTarget, Problem> {
        func fail(_ text: String) -> Result<GitHubTarget, Problem> { .failure(Problem(description: text)) }
        guard let token = (fileToken ?? environment["GITHUB_TOKEN"])?.trimmingWhitespace, !token.isEmpty else {
            return fail("no GitHub token: set GITHUB_TOKEN (in Actions: env: GITHUB_TOKEN: ${{ github.token }}) or pass --github-token-file")
        }
        guard token.utf8.count <= 1024, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return fail("the GitHub token holds spaces, controls or non-ASCII characters, or is over 1,024 characters; check where it comes from")
        }
        var api = environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAPIURL
        while api.hasSuffix("/") { api.removeLast() }
        if let problem = ForgeURL.problem(api) { return fail("GITHUB_API_URL '\(Diagnostic.excerpt(api))' \(problem)") }
        guard let slug = environment["GITHUB_REPOSITORY"], let (owner, repository) = splitSlug(slug) else {
            return fail("GITHUB_REPOSITORY must be owner/repository (letters, digits, '-', '_', '.'), as Actions sets it; found '\(Diagnostic.excerpt(environment["GITHUB_REPOSITORY"] ?? ""))'")
        }
        let identity = identity ?? defaultIdentity
        guard isLogin(identity) else {
            return fail("--github-identity '\(Diagnostic.excerpt(identity))' is not a GitHub login")
        }
        var event: Event?
        if let path = environment["GITHUB_EVENT_PATH"], !path.isEmpty {
            switch Event.read(path) {
            case .success(let read): event = read
            case .failure(let problem): if given == nil && needsPullRequest { return .failure(problem) }
            }
        }
        let pullRequest = given ?? event?.pullRequest
        if needsPullRequest && pullRequest == nil {
            return fail("no pull request: this run's event (GITHUB_EVENT_PATH) is not a pull request; pass --pull-request N")
        }
        let commit = event?.headSHA ?? environment["GITHUB_SHA"].flatMap { CommitID.isValid($0) ? $0 : nil }
        var target = GitHubTarget(apiURL: api, owner: owner, repository: repository, token: token, identity: identity,
                                  pullRequest: pullRequest, commit: commit)
        if let server = environment["GITHUB_SERVER_URL"], ForgeURL.problem(server) == nil, !server.hasSuffix("/"),
           let run = environment["GITHUB_RUN_ID"], !run.isEmpty, run.utf8.count <= 20, run.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            target.runURL = "\(server)/\(owner)/\(repository)/actions/runs/\(run)"
        }
        return .success(target)
    }

    static func splitSlug(_ slug: String) -> (String, String)? {
        let parts = slug.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(isName) else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    static func isName(_ part: Substring) -> Bool {
        !part.isEmpty && part.utf8.count <= 100 && part != "." && part != ".." && part.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    static func isLogin(_ login: String) -> Bool {
        login.utf8.count <= 64 && !login.isEmpty && login.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "[" || $0 == "]"
        }
    }

    /// What simfleet reads of the Actions event payload.
    struct Event {
        var pullRequest: Int?
        var headSHA: String?

        static func read(_ path: String) -> Result<Event, Problem> {
            switch RegularFile.read(path, limit: 64 << 20) {
            case .failure(let problem):
                return .failure(Problem(description: "cannot read the event file GITHUB_EVENT_PATH: \(problem)"))
            case .success(let bytes):
                guard case .object(let event)? = JSONValue(parsing: bytes) else {
                    return .failure(Problem(description: "the event file GITHUB_EVENT_PATH is not a JSON object"))
                }
                guard case .object(let pull)? = event["pull_request"] else { return .success(Event()) }
                var result = Event()
                if case .number(let text)? = pull["number"], let number = Int(text), number > 0, number < 1_000_000_000 { result.pullRequest = number }
                if case .object(let head)? = pull["head"], case .string(let sha)? = head["sha"], CommitID.isValid(sha) { result.headSHA = sha }
                return .success(result)
            }
        }
    }
}
