import AsyncHTTPClient
import HTTPStack
import NIOCore
import NIOHTTP1

/// One HTTP answer, whole.
struct HTTPAnswer: Sendable {
    var code: Int
    var headers: HTTPHeaders
    var body: ByteBuffer
}

/// NexCon's requests over the one HTTP stack. An error thrown here never tells whether
/// the server acted on the request; the client treats every one as "may have been sent".
/// The async API on the cooperative pool measured fastest of three ways tried (see
/// Benchmarks/README.md, "One HTTP stack").
final class NexConTransport: Sendable {
    private let client: HTTPClient
    /// The base URL without a trailing slash.
    private let base: String
    private let maximumBody: Int

    init(base: String, settings: HTTPStack.Settings, maximumBody: Int = 1 << 20) {
        client = HTTPStack.client(settings)
        self.base = base
        self.maximumBody = maximumBody
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// POSTs `body` to the base URL's `path` and returns the whole answer; throws on a
    /// network failure, an answer over the size bound, cancellation, or when `deadline` passes.
    func post(path: String, headers: HTTPHeaders, body: [UInt8], deadline: NIODeadline) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(body)
        let response = try await client.execute(request, deadline: deadline)
        let answer = try await response.body.collect(upTo: maximumBody)
        return HTTPAnswer(code: Int(response.status.code), headers: response.headers, body: answer)
    }
}
