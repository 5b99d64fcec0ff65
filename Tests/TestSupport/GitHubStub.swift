import Foundation
import Synchronization

/// GitHub's REST API for issue comments and issues, in memory on 127.0.0.1: pagination
/// with `Link` headers, bearer tokens, an optional path prefix (`/api/v3`, as GitHub
/// Enterprise Server has), and a hook to answer any request otherwise.
public final class GitHubStub: Sendable {
    public struct Comment: Sendable, Equatable {
        public var id: Int
        public var issue: Int
        public var author: String
        public var body: String
    }

    public struct Issue: Sendable, Equatable {
        public var number: Int
        public var author: String
        public var title: String
        public var body: String
        public var labels: [String]
        public var open: Bool
        public var isPullRequest: Bool
    }

    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var body: String
    }

    public struct State: Sendable {
        public var comments: [Comment] = []
        public var issues: [Issue] = []
        public var requests: [Request] = []
        /// Comments deleted after being listed: listed, but gone on PATCH.
        public var deleted: Set<Int> = []
        var nextID = 1000
    }

    /// Answers a request instead of the stub, when it returns one: (status, headers, body).
    public typealias Override = @Sendable (_ method: String, _ path: String) -> (Int, [(String, String)], String)?

    public let state = Mutex(State())
    public let token: String
    /// Who a token's posts are by.
    public let identity: String
    let prefix: String
    let override: Override?
    let pageSize: Int

    public init(token: String = "ghs_testtoken", identity: String = "github-actions[bot]", prefix: String = "", pageSize: Int = 100,
                override: Override? = nil) {
        self.token = token
        self.identity = identity
        self.prefix = prefix
        self.pageSize = pageSize
        self.override = override
    }

    public func addComment(issue: Int, author: String, body: String) {
        state.withLock { state in
            state.nextID += 1
            state.comments.append(Comment(id: state.nextID, issue: issue, author: author, body: body))
        }
    }

    public func addIssue(number: Int, author: String, body: String, labels: [String], isPullRequest: Bool = false) {
        state.withLock { $0.issues.append(Issue(number: number, author: author, title: "t", body: body, labels: labels, open: true, isPullRequest: isPullRequest)) }
    }

    public var snapshot: State { state.withLock { $0 } }

    /// Runs `body` with the API's base URL (with the prefix), then closes the server.
    public func serve<T>(_ body: (String) async throws -> T) async throws -> T {
        try await LoopbackServer.serve({ request in
            let base = "http://" + (request.headers.first(name: "Host") ?? "127.0.0.1")
            let (code, headers, text) = self.answer(method: request.method, uri: request.uri,
                                                    authorization: request.headers.first(name: "Authorization") ?? "", body: request.body, base: base)
            return LoopbackServer.Response(code: code, headers: headers, body: text)
        }, { base in try await body(base + prefix) })
    }

    func answer(method: String, uri: String, authorization: String, body: String, base: String) -> (Int, [(String, String)], String) {
        state.withLock { $0.requests.append(Request(method: method, path: uri, body: body)) }
        if let override, let answer = override(method, uri) { return answer }
        guard authorization == "Bearer \(token)" else {
            return (401, [], #"{"message":"Bad credentials: \#(authorization)"}"#)
        }
        guard uri.hasPrefix(prefix + "/repos/") else { return (404, [], #"{"message":"Not Found"}"#) }
        let pathAndQuery = String(uri.dropFirst(prefix.count))
        let path = String(pathAndQuery.prefix { $0 != "?" })
        let query = Dictionary(pathAndQuery.drop { $0 != "?" }.dropFirst().split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? "" : "")
        }, uniquingKeysWith: { $1 })
        let parts = path.split(separator: "/").map(String.init)  // repos, owner, repo, issues, ...
        guard parts.count >= 4, parts[3] == "issues" else { return (404, [], #"{"message":"Not Found"}"#) }
        let fields = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        switch (method, parts.count) {
        case ("GET", 4):
            let label = query["labels"] ?? ""
            let items = snapshot.issues.filter { $0.open && (label.isEmpty || $0.labels.contains(label)) }.map { issue -> [String: Any] in
                var json: [String: Any] = ["number": issue.number, "user": ["login": issue.author], "body": issue.body, "title": issue.title]
                if issue.isPullRequest { json["pull_request"] = ["url": "x"] }
                return json
            }
            return page(items, query: query, base: base, path: path)
        case ("POST", 4):
            let number = (snapshot.issues.map(\.number).max() ?? 0) + 1
            state.withLock {
                $0.issues.append(Issue(number: number, author: identity, title: fields["title"] as? String ?? "", body: fields["body"] as? String ?? "",
                                       labels: fields["labels"] as? [String] ?? [], open: true, isPullRequest: false))
            }
            return (201, [], #"{"number":\#(number)}"#)
        case ("GET", 6) where parts[5] == "comments":
            let issue = Int(parts[4]) ?? 0
            let items = snapshot.comments.filter { $0.issue == issue }.map { ["id": $0.id, "user": ["login": $0.author], "body": $0.body] as [String: Any] }
            return page(items, query: query, base: base, path: path)
        case ("POST", 6) where parts[5] == "comments":
            let issue = Int(parts[4]) ?? 0
            addComment(issue: issue, author: identity, body: fields["body"] as? String ?? "")
            return (201, [], "{}")
        case ("PATCH", 6) where parts[4] == "comments":
            let id = Int(parts[5]) ?? 0
            let found = state.withLock { state -> Bool in
                guard !state.deleted.contains(id), let index = state.comments.firstIndex(where: { $0.id == id }) else { return false }
                state.comments[index].body = fields["body"] as? String ?? ""
                return true
            }
            return found ? (200, [], "{}") : (404, [], #"{"message":"Not Found"}"#)
        case ("PATCH", 5):
            let number = Int(parts[4]) ?? 0
            state.withLock { state in
                guard let index = state.issues.firstIndex(where: { $0.number == number }) else { return }
                if let body = fields["body"] as? String { state.issues[index].body = body }
                if let title = fields["title"] as? String { state.issues[index].title = title }
                if fields["state"] as? String == "closed" { state.issues[index].open = false }
            }
            return (200, [], "{}")
        default:
            return (404, [], #"{"message":"Not Found"}"#)
        }
    }

    func page(_ items: [[String: Any]], query: [String: String], base: String, path: String) -> (Int, [(String, String)], String) {
        let size = min(pageSize, Int(query["per_page"] ?? "30") ?? 30)
        let number = max(1, Int(query["page"] ?? "1") ?? 1)
        let slice = Array(items.dropFirst((number - 1) * size).prefix(size))
        var headers: [(String, String)] = []
        if number * size < items.count {
            var next = query
            next["page"] = String(number + 1)
            let text = next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            headers.append(("Link", #"<\#(base)\#(prefix)\#(path)?\#(text)>; rel="next""#))
        }
        let data = (try? JSONSerialization.data(withJSONObject: slice)) ?? Data("[]".utf8)
        return (200, headers, String(decoding: data, as: UTF8.self))
    }
}
