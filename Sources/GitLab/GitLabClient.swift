import FleetModel
import Forge
import Foundation
import HTTPStack
import NIOHTTP1

/// GitLab's REST API v4 for the merge request's one note and the drift issue: each failure
/// one clear line with the token redacted, no redirects followed, pagination (`Link`, else
/// `X-Next-Page`) followed only within the API, and a 429 waited out when GitLab asks for
/// at most a minute.
public final class GitLabClient: ForgeClient {
    public typealias Failure = ForgeFailure

    public let target: GitLabTarget
    private let api: JSONAPI
    private let text: ResponseText
    private let clock: any Clock<Duration>
    /// More notes or issues than this many pages are not read: a merge request with 10,000
    /// notes gets a new note rather than an endless scan.
    static let pageLimit = 100
    /// A 429 is waited out at most this many times, for at most `longestWait` seconds each.
    static let rateLimitRetries = 3
    static let longestWait = 60

    /// `network` holds the proxy and trust roots (`HTTPStack.settings(for:environment:)`);
    /// `clock` is what a 429 is waited out on.
    public init(target: GitLabTarget, network: HTTPStack.Settings = HTTPStack.Settings(), clock: any Clock<Duration> = ContinuousClock()) {
        self.target = target
        api = JSONAPI(network, headers: [("PRIVATE-TOKEN", target.token), ("Accept", "application/json"), ("User-Agent", "simfleet")])
        text = ResponseText(key: target.token)
        self.clock = clock
    }

    public func shutdown() async {
        await api.shutdown()
    }

    var projectPath: String { "/projects/\(target.project)" }

    // MARK: Notes and issues

    public var forge: String { "GitLab" }

    public func changeName(_ number: Int) -> String { "merge request !\(number)" }

    /// The token's own user: a project access token is a bot user of its own.
    public func identity() async throws(Failure) -> String {
        let (json, _) = try await exchange(.GET, url: target.apiURL + "/user", missingIsFine: false)
        guard case .object(let user)? = json, case .string(let name)? = user["username"], !name.isEmpty else {
            throw Failure("GitLab answered GET /user without a username; check that GITLAB_TOKEN is a personal, group or project access token")
        }
        return name
    }

    public func comments(onChange number: Int) async throws(Failure) -> [Posting.Item] {
        try await list("\(projectPath)/merge_requests/\(number)/notes?sort=asc&order_by=created_at&per_page=100").compactMap(Self.note)
    }

    public func createComment(onChange number: Int, body: String) async throws(Failure) {
        _ = try await send(.POST, "\(projectPath)/merge_requests/\(number)/notes", ["body": .string(body)])
    }

    public func updateComment(id: Int, onChange number: Int, body: String) async throws(Failure) -> Bool {
        try await send(.PUT, "\(projectPath)/merge_requests/\(number)/notes/\(id)", ["body": .string(body)], missingIsFine: true) != nil
    }

    public func openIssues(label: String) async throws(Failure) -> [Posting.Item] {
        try await list("\(projectPath)/issues?state=opened&labels=\(ForgeURL.queryEscape(label))&per_page=100").compactMap(Self.issue)
    }

    public func createIssue(title: String, body: String, label: String) async throws(Failure) {
        _ = try await send(.POST, "\(projectPath)/issues", ["title": .string(title), "description": .string(body), "labels": .string(label)])
    }

    public func updateIssue(number: Int, title: String, body: String) async throws(Failure) {
        _ = try await send(.PUT, "\(projectPath)/issues/\(number)", ["title": .string(title), "description": .string(body)])
    }

    public func commentOnIssue(number: Int, body: String) async throws(Failure) {
        _ = try await send(.POST, "\(projectPath)/issues/\(number)/notes", ["body": .string(body)])
    }

    public func closeIssue(number: Int) async throws(Failure) {
        _ = try await send(.PUT, "\(projectPath)/issues/\(number)", ["state_event": .string("close")])
    }

    /// A note as posting sees it; system notes ("changed the description") are never ours.
    static func note(_ json: JSONValue) -> Posting.Item? {
        guard case .object(let object) = json, case .number(let id)? = object["id"], let id = Int(id),
              case .object(let author)? = object["author"], case .string(let username)? = author["username"] else { return nil }
        if case .bool(true)? = object["system"] { return nil }
        let body: String = if case .string(let text)? = object["body"] { text } else { "" }
        return Posting.Item(id: id, author: username, body: body)
    }

    /// An issue by its IID, the number its page and API paths use.
    static func issue(_ json: JSONValue) -> Posting.Item? {
        guard case .object(let object) = json, case .number(let iid)? = object["iid"], let iid = Int(iid),
              case .object(let author)? = object["author"], case .string(let username)? = author["username"] else { return nil }
        let body: String = if case .string(let text)? = object["description"] { text } else { "" }
        return Posting.Item(id: iid, author: username, body: body)
    }

    // MARK: HTTP

    /// Every page of a list: `Link: <...>; rel="next"` within the API, else `X-Next-Page`.
    func list(_ path: String) async throws(Failure) -> [JSONValue] {
        var url = target.apiURL + path
        var items: [JSONValue] = []
        for _ in 0..<Self.pageLimit {
            let (json, headers) = try await exchange(.GET, url: url, missingIsFine: false)
            guard case .array(let page)? = json else { throw Failure("GitLab answered GET \(ForgeURL.shown(url)) with something other than a list") }
            items += page
            guard let next = Self.nextPage(after: url, headers: headers, api: target.apiURL) else { return items }
            url = next
        }
        return items
    }

    /// The next page's URL: the `Link` header's when it stays within the API (same origin,
    /// under its path), else the current URL with `page` set to `X-Next-Page`; nil at the end.
    static func nextPage(after url: String, headers: HTTPHeaders, api: String) -> String? {
        if let link = headers["link"].first {
            guard let next = ForgeURL.nextPage(link) else { return nil }
            return next.hasPrefix(api + "/") && !next.contains("#") ? next : nil
        }
        guard let page = headers["x-next-page"].first, !page.isEmpty else { return nil }
        guard let number = GitLabTarget.positive(page) else { return nil }
        let (base, query) = url.firstIndex(of: "?").map { (String(url[..<$0]), String(url[url.index(after: $0)...])) } ?? (url, "")
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("page=") }.map(String.init)
        return base + "?" + (kept + ["page=\(number)"]).joined(separator: "&")
    }

    func send(_ method: HTTPMethod, _ path: String, _ fields: [String: JSONValue], missingIsFine: Bool = false) async throws(Failure) -> JSONValue? {
        try await exchange(method, url: target.apiURL + path, fields: fields, missingIsFine: missingIsFine).json
    }

    func exchange(_ method: HTTPMethod, url: String, fields: [String: JSONValue]? = nil, missingIsFine: Bool) async throws(Failure) -> (json: JSONValue?, headers: HTTPHeaders) {
        let what = "\(method.rawValue) \(ForgeURL.shown(url))"
        var waited = 0
        while true {
            let answer: JSONAPI.Answer
            do {
                answer = try await api.exchange(method, url: url, fields: fields)
            } catch {
                throw Failure("cannot reach GitLab for \(what): \(text.clean(String(describing: error)))")
            }
            if (200..<300).contains(answer.status) { return (answer.json, answer.headers) }
            if answer.status == 404 && missingIsFine { return (nil, answer.headers) }
            if answer.status == 429, waited < Self.rateLimitRetries, let wait = Self.retryAfter(answer.headers), wait <= Self.longestWait {
                waited += 1
                do { try await clock.sleep(for: .seconds(wait)) } catch { throw Failure("stopped while waiting out GitLab's rate limit for \(what)") }
                continue
            }
            throw Failure(Self.explain(code: answer.status, headers: answer.headers, json: answer.json, what: what, clean: text.clean))
        }
    }

    /// `Retry-After` in whole seconds (GitLab does not send dates), or nil.
    static func retryAfter(_ headers: HTTPHeaders) -> Int? {
        guard let text = headers["retry-after"].first, (1...6).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    /// One line a person can act on, for each way GitLab says no.
    static func explain(code: Int, headers: HTTPHeaders, json: JSONValue?, what: String, clean: (String) -> String) -> String {
        let message = Self.message(json).map { " (\(clean($0)))" } ?? ""
        return switch code {
        case 401: "GitLab refused the token for \(what)\(message); check GITLAB_TOKEN: a project access token with the api scope that has not expired"
        case 403: "GitLab denied \(what)\(message); the token needs the api scope and a role that may write notes and issues (Reporter or above)"
        case 404: "GitLab found nothing at \(what)\(message); check CI_API_V4_URL, CI_PROJECT_ID and the merge request's IID"
        case 429:
            "GitLab's rate limit stopped \(what)\(message)"
                + (retryAfter(headers).map { "; retry after \($0) s" } ?? "; retry later")
        case 400, 422: "GitLab rejected \(what)\(message); a note holds at most 1,000,000 characters, and a label must be valid"
        default: "GitLab answered \(code) to \(what)\(message)"
        }
    }

    /// GitLab's `message` (text, or field errors such as `{"note": ["is too long"]}`) or `error`.
    static func message(_ json: JSONValue?) -> String? {
        guard case .object(let object)? = json else { return nil }
        switch object["message"] ?? object["error"] {
        case .string(let text)?: return text
        case .object(let fields)?:
            return fields.sorted { $0.key < $1.key }.map { key, value in
                let said: String = switch value {
                case .array(let items): items.compactMap { if case .string(let text) = $0 { text } else { nil } }.joined(separator: ", ")
                case .string(let text): text
                default: ""
                }
                return "\(key) \(said)"
            }.joined(separator: "; ")
        default: return nil
        }
    }
}
