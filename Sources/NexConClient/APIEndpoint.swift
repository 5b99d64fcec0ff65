import Foundation
import NIOCore
import Platform

/// Where the NexCon API is and the key to it. The key is kept out of every description.
public struct APIEndpoint: Sendable, CustomStringConvertible {
    public static let defaultURL = "https://app.nexcon.io"

    /// The base URL without a trailing slash, e.g. `https://app.nexcon.io`.
    public let baseURL: String
    let key: String
    let origin: Origin

    /// The parts of the base URL a connection needs.
    struct Origin: Sendable {
        var tls: Bool
        /// Without the brackets of an IPv6 literal.
        var host: String
        var port: Int
        /// The Host header: host and, when not the default, port.
        var authority: String
        /// A path prefix from the base URL, e.g. "" or "/nexcon".
        var basePath: String

        var isIPAddress: Bool { (try? SocketAddress(ipAddress: host, port: 0)) != nil }
    }

    /// Checks the URL: https anywhere, plain http only to this machine, since the key
    /// would otherwise cross the network in clear.
    public init(url: String, key: String) throws(ConfigurationError) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError("API URL '\(url)' is not a valid URL; write it as https://host")
        }
        switch scheme {
        case "https": break
        case "http" where Loopback.contains(host: host): break
        case "http":
            throw ConfigurationError("API URL '\(url)' uses plain http, which would send the API key in clear; use https (plain http is allowed only to 127.0.0.1, ::1 or localhost)")
        default:
            throw ConfigurationError("API URL '\(url)' must start with https://")
        }
        guard !key.isEmpty else { throw ConfigurationError("the API key is empty; set NEXCON_API_KEY or pass --api-key-file with the key in it") }
        guard !key.contains(where: { $0.isNewline || $0 == " " }) else {
            throw ConfigurationError("the API key contains spaces or line breaks; check NEXCON_API_KEY or the key file")
        }
        baseURL = trimmed
        self.key = key
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let hostHeader = bare.contains(":") ? "[\(bare)]" : bare
        origin = Origin(tls: scheme == "https", host: bare, port: components.port ?? (scheme == "https" ? 443 : 80),
                        authority: components.port.map { "\(hostHeader):\($0)" } ?? hostHeader,
                        basePath: components.percentEncodedPath)
    }

    public var description: String { baseURL }

    /// The key from `NEXCON_API_KEY` or a key file; never from a flag, so it stays out of
    /// shell history and process listings.
    public static func key(environment: [String: String], keyFile: String?) throws(ConfigurationError) -> String {
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw ConfigurationError("cannot read the API key file \(keyFile); check the path and its permissions")
            }
            let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw ConfigurationError("the API key file \(keyFile) is empty") }
            return key
        }
        if let key = environment["NEXCON_API_KEY"]?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
            return key
        }
        throw ConfigurationError("no API key: set NEXCON_API_KEY, or pass --api-key-file FILE (or use --simulator to try simfleet without one)")
    }
}

/// A problem with how simfleet was told to reach NexCon; nothing was sent.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
