import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

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
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMap { child.pipeline.addHandler(Handler(route: route)) }
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
        let route: Route
        var head: HTTPRequestHead?
        var body = ""

        init(route: @escaping Route) { self.route = route }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                let icc = body.range(of: #"(?<="icc":")[0-9]+"#, options: .regularExpression).map { String(body[$0]) } ?? ""
                let answer = route(head.uri, icc, head.headers.first(name: "Authorization") ?? "")
                var headers = HTTPHeaders([("Content-Type", answer.contentType), ("Content-Length", String(answer.body.utf8.count))] + answer.headers)
                headers.add(name: "Connection", value: "keep-alive")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: answer.code), headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: answer.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
