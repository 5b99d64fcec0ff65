import FleetModel
import HTTPStack
import NIOCore
import NIOPosix
import NIOSSL
@testable import NexConClient
import Synchronization
import TestSupport
import Testing

/// HTTPS_PROXY, HTTP_PROXY and NO_PROXY as curl reads them, and NexCon reached through a
/// CONNECT proxy on loopback: the key travels only inside the TLS tunnel.
@Suite struct ProxyTests {
    static let proxied = ["HTTPS_PROXY": "http://proxy.corp:3128"]

    @Test(arguments: [
        // (environment, scheme, host, expected proxy or nil)
        (["HTTPS_PROXY": "http://proxy.corp:3128"], "https", "app.nexcon.io", "http://proxy.corp:3128"),
        (["https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:2"], "https", "app.nexcon.io", "http://lower:1"),
        (["HTTPS_PROXY": "proxy.corp"], "https", "app.nexcon.io", "http://proxy.corp:1080"),
        (["HTTPS_PROXY": "http://[fd00::1]:8080"], "https", "app.nexcon.io", "http://[fd00::1]:8080"),
        (["HTTPS_PROXY": "http://u:p@proxy.corp:3128"], "https", "app.nexcon.io", "http://proxy.corp:3128 (with credentials)"),
        (["HTTP_PROXY": "http://proxy.corp:3128"], "https", "app.nexcon.io", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128"], "http", "example.org", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128"], "https", "127.0.0.1", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128"], "https", "localhost", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128"], "https", "[::1]", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "*"], "https", "app.nexcon.io", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "nexcon.io"], "https", "app.nexcon.io", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "no_proxy": ".nexcon.io"], "https", "app.nexcon.io", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "*.nexcon.io"], "https", "APP.NEXCON.IO", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "con.io"], "https", "app.nexcon.io", "http://proxy.corp:3128"),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "10.0.0.0/8, example.org"], "https", "10.2.3.4", nil),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "10.0.0.0/8"], "https", "11.2.3.4", "http://proxy.corp:3128"),
        (["HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "fd00::/8"], "https", "[fd12::1]", nil),
    ] as [([String: String], String, String, String?)])
    func theProxyIsChosenAsCurlChoosesIt(environment: [String: String], scheme: String, host: String, expected: String?) throws {
        let proxy = try ProxySettings.proxy(scheme: scheme, host: host, environment: environment).get()
        #expect(proxy?.description == expected)
    }

    @Test(arguments: [
        ("socks5://proxy.corp:1080", "HTTPS_PROXY: a 'socks5' proxy is not supported"),
        ("https://proxy.corp:3128", "HTTPS_PROXY: a 'https' proxy is not supported"),
        ("http://proxy.corp:3128/path", "HTTPS_PROXY: a proxy URL has no path, query or fragment"),
        ("http://:3128", "HTTPS_PROXY: not a proxy URL"),
        ("http://s3cr3t-user:hunter2@proxy.corp:99999", "HTTPS_PROXY: the port must be between 1 and 65535"),
    ])
    func anUnusableProxyIsNamedWithoutItsCredentials(value: String, problem: String) {
        let result = HTTPStack.settings(for: "https://app.nexcon.io", environment: ["HTTPS_PROXY": value])
        guard case .failure(let error) = result else { Issue.record("accepted \(value)"); return }
        #expect(error.description.contains(problem), "\(error)")
        #expect(error.description.hasSuffix("fix or unset them. Nothing was sent."))
        #expect(!error.description.contains("hunter2") && !error.description.contains("s3cr3t"))
    }

    @Test func aStrayHTTPProxyNeverStopsAnHTTPSRun() throws {
        let settings = try HTTPStack.settings(for: "https://app.nexcon.io", environment: ["HTTP_PROXY": "socks5://nonsense"]).get()
        #expect(settings.proxy == nil)
    }

    @Test func aCorporateCAIsAddedAndAMissingOneIsNamed() throws {
        let added = try HTTPStack.settings(for: "https://app.nexcon.io", environment: ["SSL_CERT_FILE": TLSTests.certificate]).get()
        #expect(added.tls.additionalTrustRoots.count == 1)
        let missing = HTTPStack.settings(for: "https://app.nexcon.io", environment: [:], caFile: "/nonexistent/ca.pem")
        guard case .failure(let error) = missing else { Issue.record("accepted a missing CA file"); return }
        #expect(error.description.contains("--ca-file /nonexistent/ca.pem cannot be read as PEM certificates"), "\(error)")
    }

    /// The client reaches `https://nexcon.test` only through the proxy, which tunnels to the
    /// loopback TLS server; the proxy sees CONNECT and its own credentials, never the key.
    @Test func nexConIsReachedThroughACONNECTProxyWithCredentials() async throws {
        try await withTLSServer { port, requests in
            try await ConnectProxy.with(target: port) { proxyPort, proxy in
                var network = try HTTPStack.settings(for: "https://nexcon.test:\(port)",
                                                     environment: ["HTTPS_PROXY": "http://ops%40corp:pa%3Ass@127.0.0.1:\(proxyPort)"],
                                                     caFile: TLSTests.certificate).get()
                network.tls.trustRoots = .certificates([])
                let client = NexConClient(endpoint: try NexConConnection(url: "https://nexcon.test:\(port)", key: "secret-key"),
                                          parallelism: 2, rate: nil, retry: TLSTests.retry(), network: network)
                let observed = try await StatusSweep.run(TestICC.numbers(5), client: client, parallelism: 2)
                await client.shutdown()
                #expect(observed.values.allSatisfy { if case .status("ACTIVATED", _) = $0 { true } else { false } })
                #expect(requests.count == 5)
                #expect(requests.authorizations == ["bearer secret-key"], "the key reached NexCon")
                let heads = proxy.heads
                #expect(!heads.isEmpty && heads.allSatisfy { $0.hasPrefix("CONNECT nexcon.test:\(port) HTTP/1.1\r\n") }, "\(heads)")
                // user ops@corp, password pa:ss, percent-decoded from the URL.
                #expect(heads.allSatisfy { $0.lowercased().contains("proxy-authorization: ") && $0.contains("Basic b3BzQGNvcnA6cGE6c3M=") }, "\(heads)")
                #expect(!heads.joined().contains("secret-key"), "the key stays inside the tunnel")
            }
        }
    }
}

/// A CONNECT proxy on 127.0.0.1 that records each request head and tunnels every
/// connection to `target` on loopback, whatever host it names.
final class ConnectProxy: Sendable {
    private let seen = Mutex<[String]>([])
    var heads: [String] { seen.withLock { $0 } }

    static func with(target: Int, _ body: (Int, ConnectProxy) async throws -> Void) async throws {
        let proxy = ConnectProxy()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Front(target: target, proxy: proxy))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(server.localAddress!.port!, proxy)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    /// Reads the request head, answers 200, then relays bytes both ways.
    final class Front: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let target: Int
        let proxy: ConnectProxy
        var head = ByteBuffer()
        var back: Channel?

        init(target: Int, proxy: ConnectProxy) {
            self.target = target
            self.proxy = proxy
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            if let back {
                back.writeAndFlush(bytes, promise: nil)
                return
            }
            head.writeBuffer(&bytes)
            let text = String(buffer: head)
            guard let end = text.range(of: "\r\n\r\n") else { return }
            proxy.seen.withLock { $0.append(String(text[..<end.upperBound])) }
            let front = context.channel
            let loop = context.eventLoop
            ClientBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Relay(to: front)) }
                }
                .connect(host: "127.0.0.1", port: target)
                .whenComplete { result in
                    switch result {
                    case .success(let channel):
                        self.back = channel
                        front.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n"), promise: nil)
                        front.closeFuture.whenComplete { _ in channel.close(promise: nil) }
                    case .failure:
                        front.close(promise: nil)
                    }
                }
        }
    }

    final class Relay: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let to: Channel
        init(to: Channel) { self.to = to }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { to.writeAndFlush(unwrapInboundIn(data), promise: nil) }
        func channelInactive(context: ChannelHandlerContext) { to.close(promise: nil) }
    }
}
