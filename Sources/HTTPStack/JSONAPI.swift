import AsyncHTTPClient
import FleetModel
import NIOCore
import NIOHTTP1

/// A JSON REST API as the forge clients (GitHub, GitLab) reach it: the one stack with their
/// timeouts, their headers on every request, and each answer read to a bound and parsed.
/// What an answer means, and how a failure is worded without the credential, is the
/// client's.
public final class JSONAPI: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        /// Nil when the body is not JSON.
        public var json: JSONValue?
    }

    private let http: HTTPClient
    private let headers: [(String, String)]
    private let limit: Int

    /// `headers` go on every request (the credential among them); bodies are read to `limit` bytes.
    public init(_ settings: HTTPStack.Settings, headers: [(String, String)], limit: Int = 16 << 20) {
        var settings = settings
        settings.connectTimeout = .seconds(10)
        settings.readTimeout = .seconds(30)
        http = HTTPStack.client(settings)
        (self.headers, self.limit) = (headers, limit)
    }

    /// Sends `fields` as a JSON object (keys sorted), or nothing, and reads the answer.
    /// Throws only when no answer could be had; the error's description may hold anything
    /// the stack said, so the caller cleans it.
    public func exchange(_ method: HTTPMethod, url: String, fields: [String: JSONValue]?) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let fields {
            var writer = JSONWriter()
            writer.value(.object(fields))
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: writer.bytes))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: limit)
        return Answer(status: Int(response.status.code), headers: response.headers, json: JSONValue(parsing: Array(buffer: bytes)))
    }

    public func shutdown() async {
        try? await http.shutdown()
    }
}
