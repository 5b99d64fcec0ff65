import FleetModel
import Foundation
import NIOCore
import Platform

/// Where the NexCon API is and the key to it. The key is kept out of every description.
public struct NexConConnection: Sendable, CustomStringConvertible {
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
        // Said without the URL: it holds a password, and would end up in plan files.
        guard components.user == nil && components.password == nil else {
            throw ConfigurationError("the API URL holds a user name or password (user:password@), which would end up in plan files and logs; remove it: the key goes in NEXCON_API_KEY or --api-key-file")
        }
        // A token in a query or fragment would be written into plan files and import headers.
        guard components.query == nil && components.fragment == nil else {
            throw ConfigurationError("the API URL holds a query or fragment ('?' or '#'), which would end up in plan files and import headers; give the base URL alone (e.g. https://app.nexcon.io): the key goes in NEXCON_API_KEY or --api-key-file")
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
        if let index = key.unicodeScalars.firstIndex(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            let position = key.unicodeScalars.distance(from: key.unicodeScalars.startIndex, to: index) + 1
            throw ConfigurationError("the API key contains a control character (U+\(String(key.unicodeScalars[index].value, radix: 16, uppercase: true)), at character \(position)); nothing was sent. Check NEXCON_API_KEY or the key file")
        }
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
    /// A key file may be a pipe (`--api-key-file <(vault read ...)`); one that other users
    /// can read gets a warning, as ssh gives.
    public static func key(environment: [String: String], keyFile: String?, warn: (String) -> Void = { _ in }) throws(ConfigurationError) -> String {
        if let keyFile {
            // Callers escape the whole message for where it lands.
            let shown = keyFile
            let text: String
            switch TextFile.read(keyFile, limit: 64 * 1024) {
            case .success(let read): text = read
            case .failure(let problem): throw ConfigurationError("cannot use the API key file \(shown): \(problem); nothing was sent")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else { throw ConfigurationError("the API key file \(shown) is empty") }
            if TextFile.isReadableByOthers(keyFile) {
                warn("warning: the API key file \(shown) can be read by other users; restrict it with 'chmod 600 \(shown)'")
            }
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
