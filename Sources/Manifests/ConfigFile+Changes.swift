import FleetModel

extension SimfleetConfig {
    /// What changed from `old` to this, in the words a reviewer reads: policy rules added,
    /// removed or changed (by name), status words moved, and the blast radius. Freezes in
    /// effect are the caller's to add, since they depend on the moment.
    public func changes(from old: SimfleetConfig) -> [String] {
        var lines: [String] = []
        let before = Dictionary(old.policy.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(policy.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for rule in policy where before[rule.name] == nil {
            lines.append("rule added: '\(rule.name)': \(rule.summary)")
        }
        for rule in old.policy where after[rule.name] == nil {
            lines.append("rule removed: '\(rule.name)' (was: \(rule.summary))")
        }
        for rule in policy {
            guard let was = before[rule.name], was.summary != rule.summary else { continue }
            lines.append("rule changed: '\(rule.name)': \(rule.summary) (was: \(was.summary))")
        }
        let (oldWords, newWords) = (old.statusMapping.words, statusMapping.words)
        for state in LiveState.allCases {
            let added = Set(newWords[state] ?? []).subtracting(oldWords[state] ?? []).sorted()
            let removed = Set(oldWords[state] ?? []).subtracting(newWords[state] ?? []).sorted()
            if !added.isEmpty { lines.append("status words now read as \(state.rawValue): \(added.joined(separator: ", "))") }
            if !removed.isEmpty { lines.append("status words no longer read as \(state.rawValue): \(removed.joined(separator: ", "))") }
        }
        let (oldRadius, newRadius) = (old.blastRadiusSummary, blastRadiusSummary)
        if oldRadius != newRadius { lines.append("blast radius: \(newRadius) (was: \(oldRadius))") }
        return lines
    }

    /// "10% of the managed SIMs, at least 5 steps", the defaults where unset.
    var blastRadiusSummary: String {
        let percent = blastRadiusPercent ?? 10
        let shown = percent == percent.rounded() ? String(Int(percent)) : String(percent)
        return "\(shown)% of the managed SIMs, at least \(blastRadiusMinimum ?? 5) steps"
    }
}

extension PolicyRule {
    /// "match {env: prod}; deny terminate; maxSteps 5; requireNote block; freeze …; warn"
    public var summary: String {
        var parts: [String] = []
        parts.append(match.isEmpty ? "every SIM" : "match {" + match.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}")
        if !deny.isEmpty { parts.append("deny " + deny.sorted().map(\.rawValue).joined(separator: ", ")) }
        if let maxSteps { parts.append("maxSteps \(maxSteps)") }
        if !requireNote.isEmpty { parts.append("requireNote " + requireNote.sorted().map(\.rawValue).joined(separator: ", ")) }
        if let freeze { parts.append("freeze \(freeze.summary)") }
        if mode == .warn { parts.append("warn only") }
        return parts.joined(separator: "; ")
    }
}
