import FleetModel
import Forge
import HTTPStack
import Foundation
import NIOHTTP1

/// GitHub's REST API for the pull request's comment and the drift issue: a handful of
/// calls, each failure one clear line with the token redacted, no redirects followed, and
/// pagination followed only within the API's own origin.
public final class GitHubClient: ForgeClient {
    public typealias Failure = ForgeFailure

    public let target: GitHubTarget
    private let api: JSONAPI
    private let text: ResponseText
    /// More comments or issues than this are not read: a pull request with 10,000 comments
    /// gets a new comment rather than an endless scan.
    static let pageLimit = 100

    /// `network` holds the proxy and trust roots (`HTTPStack.settings(for:environment:)`).
    public init(target: GitHubTarget, network: HTTPStack.Settings = HTTPStack.Settings()) {
        self.target = target
        api = JSONAPI(network, headers: [("Authorization", "Bearer \(target.token)"), ("Accept", "application/vnd.github+json"),
                                         ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "simfleet")])
        text = ResponseText(key: target.token)
    }

    public func shutdown() async {
        await api.shutdown()
    }

    var repositoryPath: String { "/repos/\(target.owner)/\(target.repository)" }

    // MARK: Comments and issues

    public var forge: String { "GitHub" }

    public func changeName(_ number: Int) -> String { "pull request #\(number)" }

    /// Configured, not asked: the Actions token answers `GET /user` with 403.
    public func identity() async throws(Failure) -> String { target.identity }

    public func comments(onChange number: Int) async throws(Failure) -> [Posting.Item] {
        try await list("\(repositoryPath)/issues/\(number)/comments?per_page=100").compactMap(Self.item)
    }

    public func openIssues(label: String) async throws(Failure) -> [Posting.Item] {
        try await list("\(repositoryPath)/issues?state=open&labels=\(ForgeURL.queryEscape(label))&per_page=100").compactMap(Self.item)
    }

    public func createComment(onChange number: Int, body: String) async throws(Failure) {
        _ = try await send(.POST, "\(repositoryPath)/issues/\(number)/comments", ["body": .string(body)])
    }

    public func updateComment(id: Int, onChange number: Int, body: String) async throws(Failure) -> Bool {
        try await send(.PATCH, "\(repositoryPath)/issues/comments/\(id)", ["body": .string(body)], missingIsFine: true) != nil
    }

    public func createIssue(title: String, body: String, label: String) async throws(Failure) {
        _ = try await send(.POST, "\(repositoryPath)/issues", ["title": .string(title), "body": .string(body), "labels": .array([.string(label)])])
    }

    public func updateIssue(number: Int, title: String, body: String) async throws(Failure) {
        _ = try await send(.PATCH, "\(repositoryPath)/issues/\(number)", ["title": .string(title), "body": .string(body)])
    }

    public func commentOnIssue(number: Int, body: String) async throws(Failure) {
        try await createComment(onChange: number, body: body)
    }

    public func closeIssue(number: Int) async throws(Failure) {
        _ = try await send(.PATCH, "\(repositoryPath)/issues/\(number)", ["state": .string("closed")])
    }

    static func item(_ json: JSONValue) -> Posting.Item? {
        guard case .object(let object) = json else { return nil }
        let id: Int? = switch (object["number"], object["id"]) {
        case (.number(let number)?, _): Int(number)
        case (_, .number(let id)?): Int(id)
        default: nil
        }
        guard let id, case .object(let user)? = object["user"], case .string(let login)? = user["login"] else { return nil }
        let body: String = if case .string(let text)? = object["body"] { text } else { "" }
        return Posting.Item(id: id, author: login, body: body, isPullRequest: object["pull_request"] != nil)
    }

    // MARK: HTTP

    /// Every page of a list, following `Link: <...>; rel="next"` within the API's origin.
    func list(_ path: String) async throws(Failure) -> [JSONValue] {
        var url = target.apiURL + path
        var items: [JSONValue] = []
        for _ in 0..<Self.pageLimit {
            let (json, headers) = try await exchange(.GET, url: url, missingIsFine: false)
            guard case .array(let page)? = json else { throw Failure("GitHub answered GET \(ForgeURL.shown(url)) with something other than a list") }
            items += page
            guard let next = ForgeURL.nextPage(headers["link"].first), next.hasPrefix(ForgeURL.origin(of: target.apiURL) + "/") else { return items }
            url = next
        }
        return items
    }

    func send(_ method: HTTPMethod, _ path: String, _ fields: [String: JSONValue], missingIsFine: Bool = false) async throws(Failure) -> JSONValue? {
        try await exchange(method, url: target.apiURL + path, fields: fields, missingIsFine: missingIsFine).json
    }

    func exchange(_ method: HTTPMethod, url: String, fields: [String: JSONValue]? = nil, missingIsFine: Bool) async throws(Failure) -> (json: JSONValue?, headers: HTTPHeaders) {
        let what = "\(method.rawValue) \(ForgeURL.shown(url))"
        let answer: JSONAPI.Answer
        do {
            answer = try await api.exchange(method, url: url, fields: fields)
        } catch {
            throw Failure("cannot reach GitHub for \(what): \(text.clean(String(describing: error)))")
        }
        if (200..<300).contains(answer.status) { return (answer.json, answer.headers) }
        if answer.status == 404 && missingIsFine { return (nil, answer.headers) }
        throw Failure(Self.explain(code: answer.status, headers: answer.headers, json: answer.json, what: what, clean: text.clean))
    }

    /// One line a person can act on, for each way GitHub says no.
    static func explain(code: Int, headers: HTTPHeaders, json: JSONValue?, what: String, clean: (String) -> String) -> String {
        var message = ""
        if case .object(let object)? = json, case .string(let text)? = object["message"] { message = " (\(clean(text)))" }
        if let retry = headers["retry-after"].first.flatMap(Int.init), code == 403 || code == 429 {
            return "GitHub's secondary rate limit stopped \(what)\(message); retry after \(retry) s"
        }
        if headers["x-ratelimit-remaining"].first == "0", let reset = headers["x-ratelimit-reset"].first.flatMap(Int.init) {
            return "GitHub's rate limit is used up for this token\(message); it resets at \(Date(timeIntervalSince1970: TimeInterval(reset)).formatted(.iso8601))"
        }
        return switch code {
        case 401: "GitHub refused the token for \(what)\(message); check GITHUB_TOKEN"
        case 403: "GitHub denied \(what)\(message); the token needs pull-requests: write (comments) or issues: write (the drift issue)"
        case 404: "GitHub found nothing at \(what)\(message); check GITHUB_REPOSITORY, the pull request number and GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3)"
        case 422: "GitHub rejected \(what)\(message); the body or label may be invalid"
        default: "GitHub answered \(code) to \(what)\(message)"
        }
    }
}
