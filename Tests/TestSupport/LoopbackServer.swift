import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 server on 127.0.0.1 for the length of a test: `answer` decides each
/// response from the request. The hostile NexCon and the GitHub stub are routes on it.
public enum LoopbackServer {
    public struct Request: Sendable {
        public var method: String
        public var uri: String
        public var headers: HTTPHeaders
        public var body: String
    }

    public struct Response: Sendable {
        public var code: Int
        public var headers: [(String, String)]
        public var body: String

        public init(code: Int, headers: [(String, String)] = [], body: String) {
            self.code = code
            self.headers = headers
            self.body = body
        }
    }

    /// Runs `body` with the server's base URL (`http://127.0.0.1:PORT`), then closes it.
    public static func serve<T>(_ answer: @escaping @Sendable (Request) -> Response, _ body: (String) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMap { child.pipeline.addHandler(Handler(answer: answer)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body("http://127.0.0.1:\(channel.localAddress!.port!)")
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answer: @Sendable (Request) -> Response
        var head: HTTPRequestHead?
        var body = ""

        init(answer: @escaping @Sendable (Request) -> Response) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                let response = answer(Request(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body))
                var headers = HTTPHeaders(response.headers)
                if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
                headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                headers.add(name: "Connection", value: "keep-alive")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.code), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
