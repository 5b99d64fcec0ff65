/// Hosts that are this machine, where plain http is allowed: the key and callbacks never
/// cross a network in clear.
public enum Loopback {
    /// `localhost`, `::1` (bracketed or not) and `127.0.0.0/8`.
    public static func contains(host: String) -> Bool {
        var bare = Substring(host.lowercased())
        if bare.hasPrefix("[") && bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
