import FleetModel

/// Where a SIM's desired state was declared: the manifest line that decides it (the SIM's
/// own `state:` or the `defaults:` line it inherits) and the commit that last wrote that
/// line, as `git blame` tells it. Shown beside steps; it explains, it never authorizes.
public struct Declaration: Sendable, Hashable {
    /// The deciding line.
    public var line: SourceLocation
    /// nil: the line is not committed (the work tree differs from HEAD, or the file is new).
    public var commit: DeclaringCommit?

    public init(line: SourceLocation, commit: DeclaringCommit?) {
        self.line = line
        self.commit = commit
    }

    /// "abc1234 #123", "abc1234", or "not committed": the markdown column.
    public var short: String {
        guard let commit else { return "not committed" }
        return commit.pullRequest.map { "\(commit.shortID) #\($0)" } ?? commit.shortID
    }
}

/// The commit that last wrote a deciding line.
public struct DeclaringCommit: Sendable, Hashable {
    /// The full object id (40 or 64 hex digits).
    public var id: String
    public var author: String
    /// The author date as git wrote it: seconds since 1970 and the author's UTC offset ("+0100").
    public var authorTime: Int64
    public var authorZone: String
    public var subject: String
    /// From the subject ("… (#123)", "Merge pull request #123 …") or the merge that brought it in.
    public var pullRequest: Int?

    public init(id: String, author: String, authorTime: Int64, authorZone: String, subject: String, pullRequest: Int? = nil) {
        self.id = id
        self.author = author
        self.authorTime = authorTime
        self.authorZone = authorZone
        self.subject = subject
        self.pullRequest = pullRequest
    }

    public var shortID: String { String(id.prefix(7)) }

    /// The author date in the author's own offset, "2026-11-20T14:03:00+01:00".
    public var date: String {
        let offset = Self.offsetSeconds(authorZone) ?? 0
        // Years 1 to 9999: a plan file is something a person could edit.
        let local = min(max(authorTime, -62_135_596_800), 253_402_300_799) + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let zone = Self.offsetSeconds(authorZone) == nil ? "+00:00" : "\(authorZone.prefix(3)):\(authorZone.suffix(2))"
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, Int(seconds / 3600), Int(seconds % 3600 / 60), Int(seconds % 60)) + zone
    }

    /// The pull request a commit subject names: GitHub's squash subject "Title (#123)"
    /// or its merge subject "Merge pull request #123 from …".
    public static func pullRequest(inSubject subject: String) -> Int? {
        let scalars = Array(subject.unicodeScalars)
        func number(from start: Int) -> (Int, Int)? {
            var end = start
            while end < scalars.count, end - start < 9, ("0"..."9").contains(scalars[end]) { end += 1 }
            guard end > start, let value = Int(String(String.UnicodeScalarView(scalars[start..<end]))) else { return nil }
            return (value, end)
        }
        if subject.hasPrefix("Merge pull request #"), let (value, _) = number(from: 20) { return value }
        // The last "(#N)" in the subject: squash merges append it.
        var found: Int?
        var index = 0
        while index + 3 < scalars.count {
            if scalars[index] == "(", scalars[index + 1] == "#", let (value, end) = number(from: index + 2), end < scalars.count, scalars[end] == ")" {
                found = value
                index = end
            }
            index += 1
        }
        return found
    }

    static func offsetSeconds(_ zone: String) -> Int? {
        let scalars = Array(zone.utf8)
        guard scalars.count == 5, scalars[0] == UInt8(ascii: "+") || scalars[0] == UInt8(ascii: "-"),
              scalars[1...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2)), hours < 24, minutes < 60 else { return nil }
        return (scalars[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }
}

/// Every explained SIM's declaration, or why there are none.
public struct Explanations: Sendable, Hashable {
    public var declared: [ICC: Declaration]
    /// Said once when declarations could not be read at all ("not in a git work tree"), or
    /// for some files (their paths and why).
    public var unavailable: String?

    public init(declared: [ICC: Declaration] = [:], unavailable: String? = nil) {
        self.declared = declared
        self.unavailable = unavailable
    }

    public static let none = Explanations()

    /// The line that decides each of `iccs`' desired state, for `Blame`.
    public static func decidingLines(of iccs: Set<ICC>, among desired: [DesiredSIM]) -> [ICC: SourceLocation] {
        guard !iccs.isEmpty else { return [:] }
        return Dictionary(desired.lazy.filter { iccs.contains($0.icc) }.map { ($0.icc, $0.stateLocation) },
                          uniquingKeysWith: { first, _ in first })
    }
}
