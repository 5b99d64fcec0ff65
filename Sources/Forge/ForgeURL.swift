import FleetModel
import Foundation
import Platform

/// URLs as every forge client takes them: an API base that is https (or plain http to this
/// machine), the next page of a list, and what of a URL a message may show.
public enum ForgeURL {
    /// Why `url` cannot be a forge's API base, or nil: https, or plain http to this machine only.
    public static func problem(_ url: String) -> String? {
        guard url.utf8.count <= 2048, !url.unicodeScalars.contains(where: ControlCharacters.contains) else { return "is too long or holds control characters" }
        let scheme: String, rest: Substring
        if url.hasPrefix("https://") { (scheme, rest) = ("https", url.dropFirst(8)) } else if url.hasPrefix("http://") { (scheme, rest) = ("http", url.dropFirst(7)) } else {
            return "must start with https://"
        }
        let authority = rest.prefix { $0 != "/" }
        guard !authority.isEmpty, !authority.contains("@"), !url.contains("?"), !url.contains("#") else {
            return "must be a plain https://host[/path] URL, with no user, query or fragment"
        }
        var host = String(authority)
        if host.hasPrefix("[") { host = String(host.prefix { $0 != "]" }) + "]" } else if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        if scheme == "http" && !Loopback.contains(host: host) { return "uses plain http; use https (plain http is allowed only to this machine)" }
        return nil
    }

    /// The `rel="next"` URL of a Link header, if any.
    public static func nextPage(_ link: String?) -> String? {
        guard let link else { return nil }
        for part in link.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(where: { $0 == #"rel="next""# }) else { continue }
            let target = pieces[0]
            guard target.hasPrefix("<"), target.hasSuffix(">") else { return nil }
            return String(target.dropFirst().dropLast())
        }
        return nil
    }

    /// `https://host[:port]`, the part a next page must share with the API URL.
    public static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        return String(url[..<schemeEnd.upperBound]) + afterScheme.prefix { $0 != "/" }
    }

    /// A URL as printed: its path and query, never a token (there is none in URLs here).
    public static func shown(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        return String(rest.drop { $0 != "/" })
    }

    public static func queryEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

extension String {
    /// Without white space at either end, as a token read from a file or variable.
    public var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// A full commit ID as CI variables give it: 40 lowercase hex digits.
public enum CommitID {
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
