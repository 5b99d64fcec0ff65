import Foundation
import Platform

/// A proxy from the environment. Its credentials are used, never shown: `description` is
/// the proxy without them.
public struct Proxy: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public var description: String {
        let bare = host.contains(":") ? "[\(host)]" : host
        return "http://\(bare):\(port)" + (username == nil ? "" : " (with credentials)")
    }
}

/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (lowercase forms first, as curl reads them).
/// Loopback never goes through a proxy: plain http is allowed only there, and the key must
/// not cross to a proxy in clear.
public enum ProxySettings {
    /// The proxy a request to `host` over `scheme` goes through, from the environment: nil
    /// for a direct connection, or the problem with the one variable that applies (only
    /// that one is read, so a stray HTTP_PROXY never stops an https run).
    public static func proxy(scheme: String, host: String, environment: [String: String]) -> Result<Proxy?, ProxyError> {
        func value(_ name: String) -> (name: String, value: String)? {
            for variable in [name.lowercased(), name] {
                if let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return (variable, value) }
            }
            return nil
        }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        let bypass = value("NO_PROXY").map { entries($0.value) } ?? []
        guard !Loopback.contains(host: bare), !bypasses(bare, bypass) else { return .success(nil) }
        guard let (name, text) = value(scheme.lowercased() == "https" ? "HTTPS_PROXY" : "HTTP_PROXY") else { return .success(nil) }
        return parse(text).map { $0 }.mapError { ProxyError(problems: ["\(name): \($0)"]) }
    }

    /// NO_PROXY's entries, lowercased, without leading dots or `*.`.
    static func entries(_ text: String) -> [String] {
        text.split(separator: ",").map { entry in
            var host = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if host.hasPrefix("*.") { host.removeFirst(2) }
            while host.hasPrefix(".") { host.removeFirst() }
            return host
        }.filter { !$0.isEmpty }
    }

    /// NO_PROXY as curl matches it: `*`, a host or any name under a domain, an address, or
    /// an address range in CIDR notation.
    static func bypasses(_ host: String, _ entries: [String]) -> Bool {
        for entry in entries {
            if entry == "*" || entry == host || host.hasSuffix("." + entry) { return true }
            if let range = AddressRange(entry), range.contains(host) { return true }
        }
        return false
    }

    /// `http://[user:password@]host[:port]`, or `host[:port]`; the port defaults to 1080, as curl's.
    static func parse(_ text: String) -> Result<Proxy, Problem> {
        let full = text.contains("://") ? text : "http://" + text
        guard let url = URLComponents(string: full), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return .failure(Problem("not a proxy URL; write it as http://proxy.example:3128"))
        }
        guard scheme == "http" else {
            return .failure(Problem("a '\(scheme)' proxy is not supported; simfleet speaks to an http:// proxy, and tunnels https through it with CONNECT"))
        }
        guard url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil else {
            return .failure(Problem("a proxy URL has no path, query or fragment; write it as http://proxy.example:3128"))
        }
        let port = url.port ?? 1080
        guard (1...65535).contains(port) else { return .failure(Problem("the port must be between 1 and 65535")) }
        return .success(Proxy(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port,
                              username: url.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 },
                              password: url.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }))
    }
}

/// What is wrong with one proxy variable.
struct Problem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Proxy variables that cannot be used; nothing was sent.
public struct ProxyError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "the proxy settings cannot be used (\(problems.joined(separator: "; "))); fix or unset them. Nothing was sent."
    }
}

/// An IPv4 or IPv6 address range, `10.0.0.0/8` or `fd00::/8`, or one address.
struct AddressRange {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = Self.bytes(String(parts[0])) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : address.count * 8
        guard let prefix, (0...address.count * 8).contains(prefix) else { return nil }
        bytes = address
        self.prefix = prefix
    }

    func contains(_ host: String) -> Bool {
        guard let address = Self.bytes(host), address.count == bytes.count else { return false }
        for bit in 0..<prefix where (address[bit / 8] ^ bytes[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 { return false }
        return true
    }

    static func bytes(_ text: String) -> [UInt8]? {
        var four = in_addr()
        if inet_pton(AF_INET, text, &four) == 1 { return withUnsafeBytes(of: &four) { Array($0) } }
        var six = in6_addr()
        if inet_pton(AF_INET6, text, &six) == 1 { return withUnsafeBytes(of: &six) { Array($0) } }
        return nil
    }
}
