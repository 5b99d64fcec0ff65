import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Platform

/// simfleet's one HTTP stack (AsyncHTTPClient) as every client uses it: NexCon, GitHub, the
/// Pushgateway and the simulator's callbacks. HTTP/1.1 only, no redirects followed (a
/// credential is never sent elsewhere), no decompression, TLS verified against the
/// system's roots plus a corporate CA if given, and the proxy the environment names.
public enum HTTPStack {
    public struct Settings: Sendable {
        public var connectTimeout = Duration.seconds(10)
        /// Per read; nil leaves it to each request's deadline.
        public var readTimeout: Duration?
        /// Connections kept per host.
        public var maximumConnections = 8
        public var tls = TLSConfiguration.makeClientConfiguration()
        /// Nil: direct.
        public var proxy: Proxy?

        public init() {}
    }

    public static func client(_ settings: Settings) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: settings.tls, redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(settings.connectTimeout), read: settings.readTimeout.map { TimeAmount($0) }),
            proxy: settings.proxy.map { proxy in
                .server(host: proxy.host, port: proxy.port,
                        authorization: proxy.username.map { .basic(username: $0, password: proxy.password ?? "") })
            },
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, settings.maximumConnections)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The settings for `url`, with the proxy the environment names for it and the CA of
    /// `SSL_CERT_FILE` or `caFile`; or why they cannot be used.
    public static func settings(for url: String, environment: [String: String], caFile: String? = nil) -> Result<Settings, HTTPStackError> {
        var settings = Settings()
        var problems: [String] = []
        if let parsed = URLComponents(string: url), let scheme = parsed.scheme, let host = parsed.host {
            switch ProxySettings.proxy(scheme: scheme, host: host, environment: environment) {
            case .success(let proxy): settings.proxy = proxy
            case .failure(let error): problems += error.problems
            }
        }
        for (name, path) in [("--ca-file", caFile), ("SSL_CERT_FILE", environment["SSL_CERT_FILE"])] {
            guard let path, !path.isEmpty else { continue }
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(path)
                guard !certificates.isEmpty else { problems.append("\(name) \(path) holds no PEM certificate"); continue }
                settings.tls.additionalTrustRoots.append(.certificates(certificates))
            } catch {
                problems.append("\(name) \(path) cannot be read as PEM certificates (\(error))")
            }
        }
        guard problems.isEmpty else { return .failure(HTTPStackError(problems: problems)) }
        return .success(settings)
    }
}

/// Proxy or CA settings that cannot be used; nothing was sent.
public struct HTTPStackError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "the network settings cannot be used (\(problems.joined(separator: "; "))); fix or unset them. Nothing was sent."
    }
}
