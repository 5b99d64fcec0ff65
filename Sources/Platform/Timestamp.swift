import Foundation

/// ISO 8601 timestamps in UTC, written the same way everywhere: journals, the simulator's
/// state and callbacks, the apply lock.
public enum Timestamp {
    /// `2026-11-28T08:12:49.123Z`
    public static func iso8601(_ date: Date) -> String { style.format(date) }

    /// Reads what `iso8601` writes.
    public static func parse(_ text: String) -> Date? { try? style.parse(text) }

    /// `2026-11-28T081249.123`: sortable, and safe in a file name.
    public static func fileName(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().time(includingFractionalSeconds: true))
            .replacingOccurrences(of: ":", with: "")
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
