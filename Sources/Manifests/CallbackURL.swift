import FleetModel
import Foundation
import Platform

/// The rule for callback URLs: https, or plain http only to this machine.
public enum CallbackURL {
    public static func problem(with text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            return "callbackUrl '\(Diagnostic.excerpt(text))' is not a valid URL; write it as https://host/path"
        }
        switch scheme {
        case "https": return nil
        case "http" where Loopback.contains(host: host): return nil
        case "http":
            return "callbackUrl '\(Diagnostic.excerpt(text))' uses plain http; use https (plain http is allowed only for loopback hosts such as 127.0.0.1)"
        default:
            return "callbackUrl '\(Diagnostic.excerpt(text))' must be an https URL, not \(scheme)"
        }
    }
}
