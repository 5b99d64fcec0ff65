import FleetModel
import Planning

// What a plan's parts say, in plain text; each format escapes it where it lands.

extension PlanScope {
    /// What every rendering says when the plan covers only some of the SIMs.
    public var partialSentences: [String] {
        var sentences: [String] = []
        if !targeting.isEmpty {
            var chosen: [String] = []
            if !targets.isEmpty { chosen.append("the \(Wording.count(targets.count, "targeted ICC"))") }
            if !labels.isEmpty { chosen.append("labels " + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
            if let shard { chosen.append("shard \(shard.description) (about 1 in \(shard.count) SIMs, chosen by ICC)") }
            sentences.append("Partial plan: only SIMs matching \(chosen.joined(separator: " and ")); \(Wording.count(unselected, "other SIM")) not checked.")
        }
        if let base = changedSince {
            if let reason = base.settingsChange {
                sentences.append("Full plan: the settings changed since \(base.ref) (\(reason)), and settings can change any SIM's verdict, so every SIM in scope is checked.")
            } else {
                sentences.append("Partial plan: \(Wording.count(base.unchanged, "SIM")) not checked (unchanged since \(base.ref), merge-base \(base.mergeBase.prefix(7))).")
            }
        }
        return sentences
    }
}

extension ChangeBase {
    /// "3 steps come from this pull request; 194 were merged earlier and not applied yet
    /// (since simfleet/applied): the apply after merge carries out all of them."
    public func originSentence(_ steps: [Step]) -> String? {
        guard pullRequestBase != nil, !steps.isEmpty else { return nil }
        let ours = steps.count { origins[$0.icc] == nil || origins[$0.icc] == .pullRequest }
        let drift = steps.count { origins[$0.icc] == .drift }
        let earlier = steps.count - ours - drift
        guard earlier > 0 || drift > 0 else { return "Every step comes from this pull request." }
        var parts: [String] = []
        // The first count names its unit ("3 steps"), the later ones are bare numbers.
        func number(_ n: Int) -> String { parts.isEmpty ? Wording.count(n, "step") : Wording.grouped(n) }
        if ours > 0 || drift == 0 { parts.append("\(number(ours)) \(ours == 1 ? "comes" : "come") from this pull request") }
        if earlier > 0 { parts.append("\(number(earlier)) \(earlier == 1 ? "was" : "were") merged earlier and not applied yet (since \(ref))") }
        if drift > 0 { parts.append("\(number(drift)) \(drift == 1 ? "repairs" : "repair") drift (live differs from main)") }
        let joined = parts.count < 3 ? parts.joined(separator: "; ") : parts.dropLast().joined(separator: "; ") + "; and " + parts.last!
        return joined.prefix(1).uppercased() + joined.dropFirst() + ": the apply after merge carries out all of them."
    }
}

extension ChangeOrigin {
    /// "this pull request", "merged earlier, not applied yet: 3f9c2d1 Block stolen trucks (#12)".
    public var label: String {
        switch self {
        case .pullRequest: "this pull request"
        case .drift: "drift: live differs from main"
        case .mergedEarlier(let commit, let subject): "merged earlier, not applied yet: \(commit.prefix(7)) \(Diagnostic.excerpt(subject))"
        }
    }
}

extension PlanTarget {
    /// Names the URL as given, so renderers escape it like any outside text.
    public var sentence: String {
        switch kind {
        case .api: "Live status read from the NexCon API at \(url)."
        case .simulator: "Made against the NexCon simulator at \(url), not the real API."
        case .declared: "Declared-only plan: no live status was read. Each step assumes the fleet matches the manifests at the base, and a SIM new to the manifests is taken to be inactive, as a new SIM card is delivered. A plan against NexCon decides what apply sends."
        }
    }
}

extension PlanIssue {
    /// `path:line:column: error: SIM ICC (name): message`.
    public func formatted(_ severity: Diagnostic.Severity) -> String {
        var subject = ""
        if let icc { subject = "SIM \(icc)\(name.map { " (\($0))" } ?? ""): " }
        let text = subject + message
        guard let location else { return "\(severity.rawValue): \(TerminalText.escape(text))" }
        return Diagnostic.line(severity.rawValue, at: location, text)
    }
}

extension Declaration {
    /// "manifests/fleet.yaml:4:5 · abc1234 #123 · Ann Author · 2026-11-20T10:00:00+01:00 · Block lost trackers (#123)"
    public var sentence: String {
        guard let commit else { return "\(line) · not committed" }
        let number = commit.pullRequest.map { " #\($0)" } ?? ""
        return "\(line) · \(commit.shortID)\(number) · \(commit.author) · \(commit.date) · \(commit.subject)"
    }
}

/// The policy rules that caught a plan's steps, each with its steps, in the order the
/// rules first catch one: what every format lists under the rule's name.
public struct PolicyListing: Sendable {
    public struct Entry: Sendable {
        public var rule: String
        /// Not sent, warned (sent and reported), and covered by a freeze judged at apply.
        public var denied: [(step: Step, reason: String)] = []
        public var warned: [(step: Step, reason: String)] = []
        public var frozen: [Step] = []
        /// The freeze's window and when it is judged, for a freeze's entry.
        public var freezeReason: String?

        /// "2 denied, 1 warned, 12 steps under a freeze judged when apply runs"
        public var counts: String {
            var parts: [String] = []
            if !denied.isEmpty { parts.append("\(Wording.grouped(denied.count)) denied") }
            if !warned.isEmpty { parts.append("\(Wording.grouped(warned.count)) warned") }
            if !frozen.isEmpty { parts.append("\(Wording.count(frozen.count, "step")) covered: \(freezeReason ?? "a freeze judged when apply runs")") }
            return parts.joined(separator: ", ")
        }
    }

    public var entries: [Entry]

    public init(_ steps: [Step]) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        for step in steps {
            for verdict in step.verdicts {
                let position = index[verdict.rule] ?? {
                    entries.append(Entry(rule: verdict.rule))
                    index[verdict.rule] = entries.count - 1
                    return entries.count - 1
                }()
                switch verdict.effect {
                case .deny: entries[position].denied.append((step, verdict.reason))
                case .warn: entries[position].warned.append((step, verdict.reason))
                case .freeze:
                    entries[position].frozen.append(step)
                    entries[position].freezeReason = verdict.reason
                }
            }
        }
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// "terminate 89440000000000000003 (truck-7): terminate is denied for these SIMs"
    public static func line(_ step: Step, _ reason: String) -> String {
        "\(step.action.rawValue) \(step.icc)\(step.name.map { " (\($0))" } ?? ""): \(reason)"
    }
}
