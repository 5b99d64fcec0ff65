import Foundation

/// `Retry-After` as RFC 9110 allows it: delta-seconds (digits only) or an HTTP date.
/// Anything else (`inf`, `nan`, `1e300`, `-5`, `1.5`) is ignored, never trusted.
enum RetryAfter {
    static func parse(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            // More than nine digits is beyond any wait worth honouring; it is capped anyway.
            return .seconds(text.utf8.count > 9 ? 999_999_999 : Int(text)!)
        }
        guard let date = imfFixdate.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, min(date.timeIntervalSince(now), 999_999_999)) * 1000))
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    private static var imfFixdate: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter
    }
}
