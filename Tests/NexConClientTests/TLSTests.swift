import FleetModel
import HTTPStack
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
@testable import NexConClient
import Planning
import Synchronization
import TestSupport
import Testing

/// The client over TLS against a loopback server whose certificate (for localhost and
/// 127.0.0.1, in Fixtures, made for these tests only) no public authority signed.
@Suite struct TLSTests {
    static let certificate = Golden.fixtures().appendingPathComponent("test-server.pem").path
    static let privateKey = Golden.fixtures().appendingPathComponent("test-server.key").path
    static let icc = TestICC.numbers(1)[0]

    static func retry() -> RetryPolicy {
        var retry = RetryPolicy()
        retry.base = .milliseconds(1)
        retry.attempts = 3
        // Long enough that no connection, handshake or request on a loaded machine times out
        // and is retried, which would break the exact request counts (a 46 s run under load
        // once sent a 21st request); a failed handshake still fails at once, and the test of
        // a server that never answers TLS sets its own short deadline.
        retry.requestTimeout = .seconds(600)
        retry.connectTimeout = .seconds(600)
        return retry
    }

    /// A client that trusts the test certificate, as if a public authority had signed it.
    static func trustingClient(_ url: String, parallelism: Int) throws -> NexConClient {
        var network = HTTPStack.Settings()
        network.tls.trustRoots = .file(certificate)
        return try NexConClient(endpoint: NexConConnection(url: url, key: "secret-key"), parallelism: parallelism, rate: nil, retry: retry(), network: network)
    }

    @Test func untrustedCertificateStopsTheSweepBeforeAnyKeyIsSent() async throws {
        try await withTLSServer { port, requests in
            // The pool tries connecting again until the connect timeout, as it does for any
            // failed connection; the client then gives up at once, without its own retries.
            var retry = Self.retry()
            retry.connectTimeout = .milliseconds(500)
            let client = try NexConClient(endpoint: NexConConnection(url: "https://localhost:\(port)", key: "secret-key"),
                                          parallelism: 4, rate: nil, retry: retry)
            let error = await #expect(throws: FatalAPIError.self) {
                _ = try await StatusSweep.run([Self.icc], client: client, parallelism: 4)
            }
            await client.shutdown()
            #expect(error?.description.contains("TLS failed") == true, "\(String(describing: error))")
            // Not retried: a certificate that fails verification fails the same way again.
            #expect(error?.description.hasSuffix("check the URL and the server's certificate") == true)
            #expect(error?.description.contains("secret-key") == false)
            #expect(error?.description.contains(".build") == false, "no internal paths: \(String(describing: error))")
            #expect(requests.count == 0)
        }
    }

    /// A plain-HTTP port behind an https:// URL accepts and never answers the handshake:
    /// one clear message at once, not "cannot connect (timeout)" after every retry.
    @Test func serverThatNeverFinishesTheHandshakeIsNamedAsNotSpeakingTLS() async throws {
        try await SilentServer.with { port, server in
            var retry = Self.retry()
            retry.connectTimeout = .milliseconds(200)
            let client = try NexConClient(endpoint: NexConConnection(url: "https://127.0.0.1:\(port)", key: "secret-key"),
                                          parallelism: 2, rate: nil, retry: retry)
            let error = await #expect(throws: FatalAPIError.self) {
                _ = try await StatusSweep.run([Self.icc], client: client, parallelism: 2)
            }
            await client.shutdown()
            #expect(error?.description.contains("the server did not answer TLS within 200 ms; is it a plain http port? check --api-url") == true,
                    "\(String(describing: error))")
            // The pool may have begun one more connection as the deadline passed; the client's
            // own retries (three attempts) never run.
            #expect((1...2).contains(server.connections), "not retried: \(server.connections)")
        }
    }

    @Test(arguments: ["localhost", "127.0.0.1"])
    func trustedCertificateIsVerifiedByNameOrAddress(host: String) async throws {
        try await withTLSServer { port, requests in
            let client = try Self.trustingClient("https://\(host):\(port)", parallelism: 4)
            let observed = try await StatusSweep.run(TestICC.numbers(20), client: client, parallelism: 4)
            await client.shutdown()
            #expect(observed.count == 20)
            #expect(observed.values.allSatisfy { if case .status("ACTIVATED", _) = $0 { true } else { false } })
            #expect(requests.count == 20)
            #expect(requests.authorizations == ["bearer secret-key"])
        }
    }

    @Test func connectionsAreKeptAliveAndNeverMoreThanTheParallelism() async throws {
        try await withTLSServer { port, requests in
            let client = try Self.trustingClient("https://localhost:\(port)", parallelism: 3)
            // More workers than connections: the extra ones wait for a free connection.
            let observed = try await StatusSweep.run(TestICC.numbers(60), client: client, parallelism: 8)
            await client.shutdown()
            #expect(observed.count == 60)
            #expect(requests.count == 60)
            #expect((1...3).contains(requests.connections), "\(requests.connections) connections")
        }
    }
}

/// What the TLS server saw.
final class SeenRequests: Sendable {
    private let seen = Mutex<[String]>([])
    private let opened = Mutex(0)
    func record(authorization: String) { seen.withLock { $0.append(authorization) } }
    func recordConnection() { opened.withLock { $0 += 1 } }
    var connections: Int { opened.withLock { $0 } }
    var count: Int { seen.withLock { $0.count } }
    var authorizations: Set<String> { Set(seen.withLock { $0 }) }
}

/// A TLS server on 127.0.0.1 that answers every request with status ACTIVATED.
func withTLSServer(_ body: (Int, SeenRequests) async throws -> Void) async throws {
    let chain = try NIOSSLCertificate.fromPEMFile(TLSTests.certificate).map { NIOSSLCertificateSource.certificate($0) }
    let key = try NIOSSLPrivateKey(file: TLSTests.privateKey, format: .pem)
    let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
    let requests = SeenRequests()
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
            requests.recordConnection()
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                try channel.pipeline.syncOperations.addHandler(StatusResponder(requests: requests))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    do {
        try await body(server.localAddress!.port!, requests)
    } catch {
        try? await server.close()
        throw error
    }
    try await server.close()
}

final class StatusResponder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let requests: SeenRequests

    init(requests: SeenRequests) { self.requests = requests }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requests.record(authorization: head.headers["Authorization"].first ?? "")
        case .body:
            break
        case .end:
            let body = ByteBuffer(string: #"{"status":"ACTIVATED"}"#)
            let headers: HTTPHeaders = ["Content-Type": "application/json", "Content-Length": "\(body.readableBytes)"]
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
