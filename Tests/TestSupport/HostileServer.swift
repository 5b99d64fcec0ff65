import Foundation

/// A hostile NexCon on 127.0.0.1: `route` decides each answer (code, headers, body) from
/// the path, the ICC and the Authorization header, which it may repeat back, as a careless
/// server would.
public final class HostileServer: Sendable {
    public struct Answer: Sendable {
        public var code: Int
        public var contentType: String
        public var headers: [(String, String)]
        public var body: String

        public init(code: Int, contentType: String = "application/json", headers: [(String, String)] = [], body: String) {
            self.code = code
            self.contentType = contentType
            self.headers = headers
            self.body = body
        }
    }

    public typealias Route = @Sendable (_ path: String, _ icc: String, _ authorization: String) -> Answer

    /// Runs `body` with the server's base URL, then closes the server.
    public static func with<T>(_ route: @escaping Route, _ body: (String) async throws -> T) async throws -> T {
        try await LoopbackServer.serve({ request in
            let icc = request.body.range(of: #"(?<="icc":")[0-9]+"#, options: .regularExpression).map { String(request.body[$0]) } ?? ""
            let answer = route(request.uri, icc, request.headers.first(name: "Authorization") ?? "")
            return LoopbackServer.Response(code: answer.code, headers: [("Content-Type", answer.contentType)] + answer.headers, body: answer.body)
        }, body)
    }
}
