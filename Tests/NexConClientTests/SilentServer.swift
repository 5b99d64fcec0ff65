import NIOCore
import NIOPosix
import Synchronization

/// A server on 127.0.0.1 that accepts connections and never sends a byte.
final class SilentServer: Sendable {
    private let accepted = Mutex<(count: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))
    var connections: Int { accepted.withLock { $0.count } }

    /// Returns once a connection was accepted: an event, not a time.
    func firstConnection() async {
        await withCheckedContinuation { continuation in
            let done = accepted.withLock { state in
                if state.count > 0 { return true }
                state.waiting.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Runs `body` with the server's port, then closes the server.
    static func with<T>(_ body: (Int, SilentServer) async throws -> T) async throws -> T {
        let server = SilentServer()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                let waiting = server.accepted.withLock { state in
                    state.count += 1
                    defer { state.waiting = [] }
                    return state.waiting
                }
                for continuation in waiting { continuation.resume() }
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
