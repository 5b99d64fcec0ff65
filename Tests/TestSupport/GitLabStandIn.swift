import FleetModel
import Foundation
import Synchronization

/// GitLab's REST API v4 for merge request notes, issues and the token's own user, in
/// memory on 127.0.0.1: `PRIVATE-TOKEN` auth, pages by `Link` and `X-Next-Page` (or by
/// `X-Next-Page` alone), an optional path prefix (a self-managed instance under
/// `/gitlab`), system notes, and a hook to answer any request otherwise.
public final class GitLabStandIn: Sendable {
    public struct Note: Sendable, Equatable {
        public var id: Int
        /// The merge request's IID, or the issue's for an issue note.
        public var mergeRequest: Int?
        public var issue: Int?
        public var author: String
        public var body: String
        public var system: Bool
    }

    public struct Issue: Sendable, Equatable {
        public var iid: Int
        public var author: String
        public var title: String
        public var description: String
        public var labels: [String]
        public var open: Bool
    }

    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var body: String
        /// The `PRIVATE-TOKEN` header as sent.
        public var token: String
    }

    public struct State: Sendable {
        public var notes: [Note] = []
        public var issues: [Issue] = []
        public var requests: [Request] = []
        var nextID = 5000
    }

    /// Answers a request instead of the stand-in, when it returns one: (status, headers, body).
    public typealias Override = @Sendable (_ method: String, _ path: String) -> (Int, [(String, String)], String)?

    public let state = Mutex(State())
    public let token: String
    /// The token's user: what `GET /user` says, and who its notes and issues are by.
    public let username: String
    /// Every token the stand-in accepts, with its user (a project has a bot user per token).
    public let users: [String: String]
    /// The project as paths spell it: "7", or "acme%2Ffleet".
    public let project: String
    let prefix: String
    let pageSize: Int
    let linkHeaders: Bool
    let override: Override?

    public init(token: String = "glpat-testtoken", username: String = "project_7_bot", otherTokens: [String: String] = [:], project: String = "7",
                prefix: String = "", pageSize: Int = 100, linkHeaders: Bool = true, override: Override? = nil) {
        (self.token, self.username, self.project, self.prefix) = (token, username, project, prefix)
        users = otherTokens.merging([token: username]) { $1 }
        (self.pageSize, self.linkHeaders, self.override) = (pageSize, linkHeaders, override)
    }

    public func addNote(mergeRequest: Int, author: String, body: String, system: Bool = false) {
        state.withLock { state in
            state.nextID += 1
            state.notes.append(Note(id: state.nextID, mergeRequest: mergeRequest, author: author, body: body, system: system))
        }
    }

    public func addIssue(iid: Int, author: String, description: String, labels: [String]) {
        state.withLock { $0.issues.append(Issue(iid: iid, author: author, title: "t", description: description, labels: labels, open: true)) }
    }

    public var snapshot: State { state.withLock { $0 } }

    /// Notes on merge request `iid`, in order.
    public func notes(onMergeRequest iid: Int) -> [Note] { snapshot.notes.filter { $0.mergeRequest == iid } }

    /// Runs `body` with the API's base URL (`.../api/v4`, under the prefix), then closes the server.
    public func serve<T>(_ body: (String) async throws -> T) async throws -> T {
        try await LoopbackServer.serve({ request in
            let base = "http://" + (request.headers.first(name: "Host") ?? "127.0.0.1")
            let (code, headers, text) = self.answer(method: request.method, uri: request.uri,
                                                    token: request.headers.first(name: "PRIVATE-TOKEN") ?? "", body: request.body, base: base)
            return LoopbackServer.Response(code: code, headers: [("Content-Type", "application/json")] + headers, body: text)
        }, { base in try await body(base + prefix + "/api/v4") })
    }

    static let notFound = (404, [(String, String)](), #"{"message":"404 Not found"}"#)

    func answer(method: String, uri: String, token: String, body: String, base: String) -> (Int, [(String, String)], String) {
        state.withLock { $0.requests.append(Request(method: method, path: uri, body: body, token: token)) }
        if let override, let answer = override(method, uri) { return answer }
        guard let user = users[token] else { return (401, [], #"{"message":"401 Unauthorized"}"#) }
        let api = prefix + "/api/v4"
        guard uri.hasPrefix(api + "/") else { return Self.notFound }
        let pathAndQuery = String(uri.dropFirst(api.count))
        let path = String(pathAndQuery.prefix { $0 != "?" })
        let query = Dictionary(pathAndQuery.drop { $0 != "?" }.dropFirst().split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? "" : "")
        }, uniquingKeysWith: { $1 })
        if method == "GET" && path == "/user" { return (200, [], #"{"id":77,"username":"\#(user)"}"#) }
        let parts = path.split(separator: "/").map(String.init)  // projects, P, ...
        guard parts.count >= 3, parts[0] == "projects", parts[1] == project else { return Self.notFound }
        let fields = JSONValue(parsing: Array(body.utf8)) ?? .object([:])
        let text = { (key: String) in fields[key].flatMap { if case .string(let value) = $0 { value } else { nil } } }
        let number = parts.count > 3 ? Int(parts[3]) ?? 0 : 0
        // "merge_requests/*/notes/*": the path after the project, numbers as "*".
        let route = parts.dropFirst(2).map { Int($0) != nil ? "*" : $0 }.joined(separator: "/")
        switch (method, route) {
        case ("GET", "merge_requests/*/notes"):
            return page(snapshot.notes.filter { $0.mergeRequest == number }.map(Self.json), query: query, base: base, path: path)
        case ("POST", "merge_requests/*/notes"):
            addNote(mergeRequest: number, author: user, body: text("body") ?? "")
            return (201, [], "{}")
        case ("PUT", "merge_requests/*/notes/*"):
            let id = parts[5]
            let found = state.withLock { state -> Bool in
                guard let index = state.notes.firstIndex(where: { $0.id == Int(id) && $0.mergeRequest == number }) else { return false }
                state.notes[index].body = text("body") ?? ""
                return true
            }
            return found ? (200, [], "{}") : Self.notFound
        case ("GET", "issues"):
            let label = query["labels"] ?? ""
            let open = snapshot.issues.filter { (query["state"] != "opened" || $0.open) && (label.isEmpty || $0.labels.contains(label)) }
            return page(open.map(Self.json), query: query, base: base, path: path)
        case ("POST", "issues"):
            let iid = (snapshot.issues.map(\.iid).max() ?? 0) + 1
            let labels = (text("labels") ?? "").split(separator: ",").map(String.init)
            state.withLock {
                $0.issues.append(Issue(iid: iid, author: user, title: text("title") ?? "", description: text("description") ?? "", labels: labels, open: true))
            }
            return (201, [], #"{"iid":\#(iid)}"#)
        case ("PUT", "issues/*"):
            let found = state.withLock { state -> Bool in
                guard let index = state.issues.firstIndex(where: { $0.iid == number }) else { return false }
                if let title = text("title") { state.issues[index].title = title }
                if let description = text("description") { state.issues[index].description = description }
                if text("state_event") == "close" { state.issues[index].open = false }
                return true
            }
            return found ? (200, [], "{}") : Self.notFound
        case ("POST", "issues/*/notes"):
            state.withLock { state in
                state.nextID += 1
                state.notes.append(Note(id: state.nextID, issue: number, author: user, body: text("body") ?? "", system: false))
            }
            return (201, [], "{}")
        default:
            return Self.notFound
        }
    }

    static func json(_ note: Note) -> JSONValue {
        .object(["id": .number(String(note.id)), "author": .object(["username": .string(note.author)]), "body": .string(note.body),
                 "system": .bool(note.system)])
    }

    static func json(_ issue: Issue) -> JSONValue {
        .object(["iid": .number(String(issue.iid)), "author": .object(["username": .string(issue.author)]), "title": .string(issue.title),
                 "description": .string(issue.description), "labels": .array(issue.labels.map(JSONValue.string))])
    }

    func page(_ items: [JSONValue], query: [String: String], base: String, path: String) -> (Int, [(String, String)], String) {
        let size = min(pageSize, Int(query["per_page"] ?? "20") ?? 20)
        let number = max(1, Int(query["page"] ?? "1") ?? 1)
        var headers: [(String, String)] = [("X-Page", String(number)), ("X-Per-Page", String(size))]
        if number * size < items.count {
            headers.append(("X-Next-Page", String(number + 1)))
            if linkHeaders {
                var next = query
                next["page"] = String(number + 1)
                let text = next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                headers.append(("Link", #"<\#(base)\#(prefix)/api/v4\#(path)?\#(text)>; rel="next""#))
            }
        } else {
            headers.append(("X-Next-Page", ""))
        }
        var writer = JSONWriter()
        writer.value(.array(Array(items.dropFirst((number - 1) * size).prefix(size))))
        return (200, headers, writer.string)
    }
}
