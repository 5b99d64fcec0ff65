import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// One HTTP answer, whole.
struct HTTPAnswer: Sendable {
    var code: Int
    var headers: HTTPHeaders
    var body: ByteBuffer
}

/// Why no answer came. None of these tells whether the server acted on the request.
enum TransportError: Error, Sendable, Equatable {
    case timedOut
    case closedBeforeAnswer
    case answerTooLarge
    case shutDown
    /// Connected, but no TLS handshake within the connect timeout: most likely a plain
    /// HTTP port behind an https:// URL.
    case tlsNotAnswered(after: Duration)
}

/// HTTP/1.1 keep-alive connections to NexCon, one request at a time on each, at most
/// `maximumConnections` open.
///
/// Built on SwiftNIO directly because a sweep is a hundred thousand tiny requests: each
/// goes out in one write, head and body together, and its answer is read whole on the
/// connection's event loop. A caller running on an event loop (see `executor(for:)`) is
/// given a connection on that same loop, so a request costs no thread hops.
final class HTTP1Transport: Sendable {
    /// What a waiting caller is resumed with.
    enum Handover {
        /// A released connection, handed straight over.
        case use(Channel)
        /// A closed connection's place: open a new one in it.
        case connect
    }

    typealias Pool = ConnectionPoolState<PoolChannel, CheckedContinuation<Handover, any Error>>

    let origin: NexConConnection.Origin
    let executors: [LoopExecutor]
    private let loops: MultiThreadedEventLoopGroup
    private let tls: NIOSSLContext?
    private let pool: Mutex<Pool>
    private let connectTimeout: TimeAmount
    private let maximumBody: Int

    init(origin: NexConConnection.Origin, maximumConnections: Int, connectTimeout: TimeAmount,
         tlsConfiguration: TLSConfiguration = .makeClientConfiguration(), maximumBody: Int = 1 << 20) throws {
        self.origin = origin
        pool = Mutex(Pool(maximum: maximumConnections))
        self.connectTimeout = connectTimeout
        self.maximumBody = maximumBody
        tls = origin.tls ? try NIOSSLContext(configuration: tlsConfiguration) : nil
        loops = MultiThreadedEventLoopGroup(numberOfThreads: min(System.coreCount, max(1, maximumConnections)))
        executors = loops.makeIterator().map(LoopExecutor.init)
    }

    /// Callers queued for a connection, for tests and diagnostics.
    var waitingCallers: Int { pool.withLock { $0.waiting } }

    /// A task executor for worker `index`, spreading workers over the event loops.
    func executor(for index: Int) -> LoopExecutor { executors[index % executors.count] }

    func shutdown() async {
        let (channels, waiters) = pool.withLock { $0.shutdown() }
        for waiter in waiters { waiter.resume(throwing: TransportError.shutDown) }
        for connection in channels { try? await connection.channel.close() }
        try? await loops.shutdownGracefully()
    }

    /// POSTs `body` with `head` and returns the whole answer; throws on a network failure
    /// or when `deadline` passes.
    func post(head: HTTPRequestHead, body: [UInt8], deadline: NIODeadline) async throws -> HTTPAnswer {
        let channel = try await lease()
        var head = head
        head.headers.add(name: "Content-Length", value: String(body.count))
        let answer: HTTPAnswer
        do {
            let exchange = Self.exchange(on: channel, head: head, body: ByteBuffer(bytes: body),
                                         deadline: deadline, maximumBody: maximumBody)
            // A cancelled caller (a sweep ended by a 401, say) stops waiting at once.
            answer = try await withTaskCancellationHandler {
                try await exchange.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        if answer.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
            channel.close(promise: nil)
        } else {
            release(channel)
        }
        return answer
    }

    /// An idle connection, preferring one on the caller's event loop; a new one while
    /// fewer than the maximum are open; otherwise the next one released. The decisions are
    /// `ConnectionPoolState`'s; this performs them.
    private func lease() async throws -> Channel {
        // The caller's loop if it is one of ours, so the connection shares its thread.
        let current = MultiThreadedEventLoopGroup.currentEventLoop
        let loop = executors.first { $0.loop === current }?.loop ?? loops.next()
        let preferred = ObjectIdentifier(loop)
        switch pool.withLock({ $0.leaseWithoutWaiting(preferring: preferred) }) {
        case .use(let connection): return connection.channel
        case .connect: return try await connect(on: loop)
        case .fail: throw TransportError.shutDown
        case .wait, nil: break
        }
        // A cancelled waiter leaves the queue at once: its id, once it has one.
        let waiterID = Mutex<Pool.WaiterID?>(nil)
        let handover = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Handover, any Error>) in
                switch pool.withLock({ $0.lease(preferring: preferred, waiter: waiter) }) {
                case .use(let connection): waiter.resume(returning: .use(connection.channel))
                case .connect: waiter.resume(returning: .connect)
                case .fail: waiter.resume(throwing: TransportError.shutDown)
                case .wait(let id):
                    waiterID.withLock { $0 = id }
                    // Cancelled before the handler could see the id.
                    if Task.isCancelled { cancelWaiter(id) }
                }
            }
        } onCancel: {
            if let id = waiterID.withLock({ $0 }) { cancelWaiter(id) }
        }
        switch handover {
        case .use(let channel) where channel.isActive: return channel
        case .use: return try await lease() // closed while idle; its close frees a place
        case .connect: return try await connect(on: loop)
        }
    }

    private func cancelWaiter(_ id: Pool.WaiterID) {
        pool.withLock { $0.cancel(id) }?.resume(throwing: CancellationError())
    }

    private func release(_ channel: Channel) {
        switch pool.withLock({ $0.release(PoolChannel(channel: channel)) }) {
        case .handOver(let connection, let waiter): waiter.resume(returning: .use(connection.channel))
        case .keepIdle: break
        case .close(let connection): connection.channel.close(promise: nil)
        }
    }

    /// A connection ended: its place is free, or taken over by the next waiter.
    private func closed() {
        pool.withLock { $0.closed() }?.resume(returning: .connect)
    }

    private func connect(on loop: any EventLoop) async throws -> Channel {
        let tls = self.tls
        let origin = self.origin
        // Completes once the connection can carry a request: at once for plain HTTP, after
        // the handshake for TLS, so a certificate problem is reported as one.
        let ready = loop.makePromise(of: Void.self)
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tls {
                            // SNI and name checks need a host name; an IP address is checked
                            // against the certificate's IP entries instead.
                            try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: origin.isIPAddress ? nil : origin.host))
                        }
                        try pipeline.addHTTPClientHandlers()
                        try pipeline.addHandler(AnswerHandler(ready: ready, waitsForTLS: tls != nil))
                    }
                }
                .connect(host: origin.host, port: origin.port).get()
        } catch {
            ready.fail(error)
            closed()
            throw error
        }
        channel.closeFuture.whenComplete { _ in self.closed() }
        // A server that accepts but never finishes the handshake gets the connect timeout.
        let waited = Duration.nanoseconds(connectTimeout.nanoseconds)
        let handshakeTimer = loop.scheduleTask(in: connectTimeout) { ready.fail(TransportError.tlsNotAnswered(after: waited)) }
        ready.futureResult.whenComplete { _ in handshakeTimer.cancel() }
        do {
            try await ready.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return channel
    }

    /// Sends one request and completes with its answer. Head, body and end go out with one
    /// flush, so one write on the socket.
    private static func exchange(on channel: Channel, head: HTTPRequestHead, body: ByteBuffer,
                                 deadline: NIODeadline, maximumBody: Int) -> EventLoopFuture<HTTPAnswer> {
        let loop = channel.eventLoop
        guard loop.inEventLoop else {
            return loop.flatSubmit { exchange(on: channel, head: head, body: body, deadline: deadline, maximumBody: maximumBody) }
        }
        let promise = loop.makePromise(of: HTTPAnswer.self)
        guard let handler = try? channel.pipeline.syncOperations.handler(type: AnswerHandler.self) else {
            promise.fail(TransportError.closedBeforeAnswer)
            return promise.futureResult
        }
        handler.expect(promise, maximumBody: maximumBody)
        let timer = loop.scheduleTask(deadline: deadline) {
            promise.fail(TransportError.timedOut)
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return promise.futureResult
    }
}

/// A channel as the pool sees it.
struct PoolChannel: PooledConnection {
    let channel: Channel
    var loopID: ObjectIdentifier { ObjectIdentifier(channel.eventLoop) }
    var isUsable: Bool { channel.isActive }
}

/// Collects the current answer and completes the waiting promise with it.
final class AnswerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<HTTPAnswer>?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var maximumBody = 0
    /// Why the connection ended while no request was waiting, e.g. a failed TLS handshake;
    /// the next request fails with it at once instead of waiting for its deadline.
    private var ended: (any Error)?
    private var ready: EventLoopPromise<Void>?
    private let waitsForTLS: Bool

    init(ready: EventLoopPromise<Void>, waitsForTLS: Bool) {
        self.ready = ready
        self.waitsForTLS = waitsForTLS
    }

    func channelActive(context: ChannelHandlerContext) {
        if !waitsForTLS { becomeReady(.success(())) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { becomeReady(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    private func becomeReady(_ result: Result<Void, any Error>) {
        ready?.completeWith(result)
        ready = nil
    }

    func expect(_ promise: EventLoopPromise<HTTPAnswer>, maximumBody: Int) {
        if let ended {
            promise.fail(ended)
            return
        }
        self.promise = promise
        self.maximumBody = maximumBody
        head = nil
        body = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var part):
            if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
            if body!.readableBytes > maximumBody {
                fail(TransportError.answerTooLarge, context: context)
            }
        case .end:
            guard let head, let promise else { return }
            self.promise = nil
            promise.succeed(HTTPAnswer(code: Int(head.status.code), headers: head.headers, body: body ?? ByteBuffer()))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = ended ?? TransportError.closedBeforeAnswer
        becomeReady(.failure(ended!))
        promise?.fail(TransportError.closedBeforeAnswer)
        promise = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        ended = ended ?? error
        becomeReady(.failure(error))
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }
}

/// Runs tasks on one event loop, so a worker and its connection share a thread.
final class LoopExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
