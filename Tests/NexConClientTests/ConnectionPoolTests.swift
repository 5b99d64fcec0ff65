@testable import NexConClient
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOTLS
import Synchronization
import Testing

/// The pool's decisions, event by event, without a network.
@Suite struct ConnectionPoolStateTests {
    struct Connection: PooledConnection, Equatable {
        var id: Int
        var loop: Int
        var isUsable = true
        var loopID: ObjectIdentifier { ObjectIdentifier(Self.loops[loop]) }
        static let loops = [Loop(), Loop()]
        final class Loop: Sendable {}
    }

    typealias Pool = ConnectionPoolState<Connection, String>
    static let loopA = ObjectIdentifier(Connection.loops[0]), loopB = ObjectIdentifier(Connection.loops[1])

    static func isConnect(_ action: Pool.LeaseAction) -> Bool { if case .connect = action { true } else { false } }
    static func waitID(_ action: Pool.LeaseAction) -> Int? { if case .wait(let id) = action { id } else { nil } }
    static func used(_ action: Pool.LeaseAction) -> Connection? { if case .use(let c) = action { c } else { nil } }

    @Test func opensUpToTheMaximumThenQueuesFirstInFirstOut() {
        var pool = Pool(maximum: 2)
        #expect(Self.isConnect(pool.lease(preferring: Self.loopA, waiter: "a")))
        #expect(Self.isConnect(pool.lease(preferring: Self.loopA, waiter: "b")))
        #expect(pool.open == 2)
        let c = Self.waitID(pool.lease(preferring: Self.loopA, waiter: "c"))
        let d = Self.waitID(pool.lease(preferring: Self.loopA, waiter: "d"))
        #expect(c != nil && d != nil && pool.waiting == 2)
        guard case .handOver(let first, let to) = pool.release(Connection(id: 1, loop: 0)) else { Issue.record("kept idle"); return }
        #expect(first.id == 1 && to == "c")
        guard case .handOver(_, let next) = pool.release(Connection(id: 2, loop: 0)) else { Issue.record("kept idle"); return }
        #expect(next == "d")
        guard case .keepIdle = pool.release(Connection(id: 1, loop: 0)) else { Issue.record("no one was waiting"); return }
        #expect(pool.idleCount == 1 && pool.open == 2)
    }

    @Test func prefersAnIdleConnectionOnTheCallersLoopAndSkipsDeadOnes() {
        var pool = Pool(maximum: 3)
        for _ in 0..<3 { _ = pool.lease(preferring: Self.loopA, waiter: "") }
        _ = pool.release(Connection(id: 1, loop: 0))
        _ = pool.release(Connection(id: 2, loop: 1))
        _ = pool.release(Connection(id: 3, loop: 1, isUsable: false))
        #expect(Self.used(pool.lease(preferring: Self.loopB, waiter: ""))?.id == 2, "the dead one on loop B is skipped")
        #expect(Self.used(pool.lease(preferring: Self.loopB, waiter: ""))?.id == 1, "then any loop")
        #expect(Self.waitID(pool.lease(preferring: Self.loopB, waiter: "")) != nil, "no usable idle one, and the maximum open")
    }

    @Test func aCancelledWaiterLeavesTheQueueAtOnce() {
        var pool = Pool(maximum: 1)
        _ = pool.lease(preferring: Self.loopA, waiter: "holder")
        let first = Self.waitID(pool.lease(preferring: Self.loopA, waiter: "first"))!
        _ = pool.lease(preferring: Self.loopA, waiter: "second")
        #expect(pool.cancel(first) == "first")
        #expect(pool.waiting == 1)
        #expect(pool.cancel(first) == nil, "resumed once only")
        guard case .handOver(_, let to) = pool.release(Connection(id: 1, loop: 0)) else { Issue.record("kept idle"); return }
        #expect(to == "second")
    }

    @Test func aClosedConnectionsPlaceGoesToTheNextWaiter() {
        var pool = Pool(maximum: 1)
        _ = pool.lease(preferring: Self.loopA, waiter: "holder")
        _ = pool.lease(preferring: Self.loopA, waiter: "next")
        #expect(pool.closed() == "next")
        #expect(pool.open == 1, "the waiter opens a connection in the freed place")
        #expect(pool.closed() == nil)
        #expect(pool.open == 0)
        #expect(Self.isConnect(pool.lease(preferring: Self.loopA, waiter: "")))
    }

    @Test func shutdownClosesIdleConnectionsAndWakesEveryWaiter() {
        var pool = Pool(maximum: 2)
        _ = pool.lease(preferring: Self.loopA, waiter: "")
        _ = pool.lease(preferring: Self.loopA, waiter: "")
        _ = pool.release(Connection(id: 1, loop: 0))
        _ = pool.lease(preferring: Self.loopA, waiter: "") // takes the idle one
        _ = pool.lease(preferring: Self.loopA, waiter: "w1")
        _ = pool.lease(preferring: Self.loopA, waiter: "w2")
        _ = pool.cancel(Self.waitID(pool.lease(preferring: Self.loopA, waiter: "gone"))!)
        let (close, wake) = pool.shutdown()
        #expect(close.isEmpty && wake == ["w1", "w2"])
        guard case .fail = pool.lease(preferring: Self.loopA, waiter: "late") else { Issue.record("leased after shutdown"); return }
        guard case .close(let connection) = pool.release(Connection(id: 2, loop: 0)) else { Issue.record("kept after shutdown"); return }
        #expect(connection.id == 2)
    }

    /// Thousands of cancelled waiters cost nothing to skip, and order is kept.
    @Test func manyCancelledWaitersAreSkippedInOrder() {
        var pool = Pool(maximum: 1)
        _ = pool.lease(preferring: Self.loopA, waiter: "holder")
        var ids: [Int] = []
        for n in 0..<10_000 { ids.append(Self.waitID(pool.lease(preferring: Self.loopA, waiter: "w\(n)"))!) }
        for id in ids where id % 1000 != 999 { _ = pool.cancel(id) }
        var order: [String] = []
        for _ in 0..<12 {
            if case .handOver(_, let to) = pool.release(Connection(id: 1, loop: 0)) { order.append(to) }
        }
        #expect(order == (0..<10).map { "w\($0 * 1000 + 999)" })
        #expect(pool.idleCount == 2, "the two releases after the last waiter")
    }
}

/// The transport over a real socket: a caller waiting for the pool's only connection
/// leaves at once when cancelled, while the holder keeps waiting for its answer.
@Suite struct TransportCancellationTests {
    @Test func aCancelledWaiterReturnsWhileTheHolderStillWaits() async throws {
        try await SilentServer.with { port, _ in
            let origin = try NexConConnection(url: "http://127.0.0.1:\(port)", key: "k").origin
            let transport = try HTTP1Transport(origin: origin, maximumConnections: 1, connectTimeout: .seconds(5))
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/simcard/status")
            // The holder's answer never comes; its deadline is an hour away.
            let holder = Task { try await transport.post(head: head, body: [], deadline: .now() + .hours(1)) }
            let waiter = Task { try await transport.post(head: head, body: [], deadline: .now() + .hours(1)) }
            // Let both reach the pool: the waiter is parked once the holder has the connection.
            while transport.waitingCallers == 0 { await Task.yield() }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(transport.waitingCallers == 0)
            holder.cancel()
            _ = try? await holder.value
            await transport.shutdown()
        }
    }
}

/// The answer handler on NIO's EmbeddedChannel: whole answers, limits and failures.
@Suite struct AnswerHandlerTests {
    static func channel(waitsForTLS: Bool = false) throws -> (EmbeddedChannel, AnswerHandler, EventLoopFuture<Void>) {
        let loop = EmbeddedEventLoop()
        let ready = loop.makePromise(of: Void.self)
        let handler = AnswerHandler(ready: ready, waitsForTLS: waitsForTLS)
        let channel = EmbeddedChannel(handler: handler, loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, handler, ready.futureResult)
    }

    static func head(_ code: Int) -> HTTPClientResponsePart {
        .head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: code), headers: ["Content-Type": "application/json"]))
    }

    @Test func collectsAWholeAnswerAcrossBodyParts() throws {
        let (channel, handler, ready) = try Self.channel()
        try ready.wait()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        handler.expect(promise, maximumBody: 100)
        try channel.writeInbound(Self.head(200))
        try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: #"{"status":"#)))
        try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: #""ACTIVATED"}"#)))
        try channel.writeInbound(HTTPClientResponsePart.end(nil))
        let answer = try promise.futureResult.wait()
        #expect(answer.code == 200 && String(buffer: answer.body) == #"{"status":"ACTIVATED"}"#)
        #expect(channel.isActive, "kept alive for the next request")
    }

    @Test func anAnswerOverTheLimitFailsAndClosesTheConnection() throws {
        let (channel, handler, _) = try Self.channel()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        handler.expect(promise, maximumBody: 8)
        try channel.writeInbound(Self.head(200))
        try channel.writeInbound(HTTPClientResponsePart.body(ByteBuffer(string: "0123456789")))
        #expect(throws: TransportError.answerTooLarge) { try promise.futureResult.wait() }
        #expect(!channel.isActive)
        // The next request on it fails at once with the same reason.
        let next = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        handler.expect(next, maximumBody: 8)
        #expect(throws: TransportError.answerTooLarge) { try next.futureResult.wait() }
    }

    @Test func aConnectionClosedMidAnswerFailsTheRequest() throws {
        let (channel, handler, _) = try Self.channel()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        handler.expect(promise, maximumBody: 100)
        try channel.writeInbound(Self.head(200))
        try channel.close().wait()
        #expect(throws: TransportError.closedBeforeAnswer) { try promise.futureResult.wait() }
    }

    @Test func withTLSTheConnectionIsReadyOnlyAfterTheHandshake() throws {
        let (channel, _, ready) = try Self.channel(waitsForTLS: true)
        // The embedded loop runs callbacks inline, so the flag is set as soon as it is ready.
        let done = Mutex(false)
        ready.whenComplete { _ in done.withLock { $0 = true } }
        #expect(!done.withLock { $0 })
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        #expect(done.withLock { $0 })
        _ = try? channel.finish()
    }
}
