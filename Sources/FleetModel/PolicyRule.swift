/// One rule of `policy:` in simfleet.yaml: which SIMs it covers (by labels) and what it
/// asks of their steps. The rules are read by `SimfleetConfig` and judged by `Policy`.
public struct PolicyRule: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Steps the rule catches are not sent.
        case deny
        /// Steps the rule catches are sent, and reported.
        case warn
    }

    public var name: String
    /// Labels a SIM must all carry; empty matches every SIM.
    public var match: [String: String]
    /// Actions never sent to matching SIMs, whatever the flags.
    public var deny: Set<SIMAction>
    /// Steps one run may take among matching SIMs; the rest wait for the next run.
    public var maxSteps: Int?
    /// Actions that need the SIM's `note:` (a ticket) in the manifest.
    public var requireNote: Set<SIMAction>
    public var freeze: FreezeWindow?
    public var mode: Mode
    /// The rule's `- name:` entry in simfleet.yaml.
    public var location: SourceLocation

    public init(name: String, match: [String: String] = [:], deny: Set<SIMAction> = [], maxSteps: Int? = nil,
                requireNote: Set<SIMAction> = [], freeze: FreezeWindow? = nil, mode: Mode = .deny, location: SourceLocation) {
        self.name = name
        self.match = match
        self.deny = deny
        self.maxSteps = maxSteps
        self.requireNote = requireNote
        self.freeze = freeze
        self.mode = mode
        self.location = location
    }

    public func matches(_ labels: [String: String]) -> Bool {
        match.allSatisfy { labels[$0.key] == $0.value }
    }
}

/// When changes stop: on some days of the week, between two times of day, in a time zone.
/// A window whose end is before its start runs past midnight into the next day.
public struct FreezeWindow: Sendable, Hashable {
    public enum Day: String, Sendable, Hashable, CaseIterable, Comparable {
        case sun, mon, tue, wed, thu, fri, sat

        /// 1 for Sunday to 7 for Saturday, as Gregorian calendars number weekdays.
        public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

        public static func < (a: Day, b: Day) -> Bool { a.number < b.number }
    }

    /// Empty means every day.
    public var days: Set<Day>
    /// Minutes after midnight; both ends are inside the window.
    public var from: Int
    public var to: Int
    /// An IANA time zone name, such as Europe/Copenhagen.
    public var timeZone: String
    /// The actions the freeze holds back; every action unless simfleet.yaml names some.
    /// A freeze that leaves `block` free lets a stolen SIM be blocked at any hour.
    public var actions: Set<SIMAction>

    public init(days: Set<Day>, from: Int, to: Int, timeZone: String, actions: Set<SIMAction> = Set(SIMAction.allCases)) {
        self.days = days
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.actions = actions
    }

    /// Whether the freeze holds `action` back (when it is in effect).
    public func holds(_ action: SIMAction) -> Bool { actions.contains(action) }

    /// Whether a moment that falls on `day` at `minute` (local to the window's zone) is
    /// frozen; `previousDay` is the day before, for windows past midnight.
    public func contains(day: Day, minute: Int) -> Bool {
        let onDay = days.isEmpty || days.contains(day)
        if from <= to { return onDay && (from...to).contains(minute) }
        let yesterday = Day.allCases[(day.number + 5) % 7]
        return (onDay && minute >= from) || ((days.isEmpty || days.contains(yesterday)) && minute <= to)
    }

    /// "fri 15:00–23:59 Europe/Copenhagen", and "(activate, restore)" when it holds back
    /// only some actions.
    public var summary: String {
        let named = days.isEmpty ? "every day" : days.sorted().map(\.rawValue).joined(separator: ",")
        let only = actions.count == SIMAction.allCases.count ? "" : " (" + actions.sorted().map(\.rawValue).joined(separator: ", ") + ")"
        return "\(named) \(Self.clock(from))–\(Self.clock(to)) \(timeZone)\(only)"
    }

    public static func clock(_ minute: Int) -> String {
        let (hours, minutes) = (minute / 60, minute % 60)
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    /// "15:00" to 900; nil unless HH:MM with HH 00–23 and MM 00–59.
    public static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]), hours < 24, minutes < 60 else { return nil }
        return hours * 60 + minutes
    }
}
