import NIOCore
import NIOPosix
import Synchronization

/// A server on 127.0.0.1 that accepts connections and never sends a byte.
final class SilentServer: Sendable {
    private let accepted = Mutex(0)
    var connections: Int { accepted.withLock { $0 } }

    /// Runs `body` with the server's port, then closes the server.
    static func with<T>(_ body: (Int, SilentServer) async throws -> T) async throws -> T {
        let server = SilentServer()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                server.accepted.withLock { $0 += 1 }
                return child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(channel.localAddress!.port!, server)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
