import FleetModel

/// Where live statuses came from, stated in every rendering of a plan.
public struct PlanTarget: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case api, simulator }
    public var kind: Kind
    public var url: String

    public init(kind: Kind, url: String) {
        self.kind = kind
        self.url = url
    }

    /// Names the URL as given, so renderers escape it like any outside text.
    public var sentence: String {
        switch kind {
        case .api: "Live status read from the NexCon API at \(url)."
        case .simulator: "Made against the NexCon simulator at \(url), not the real API."
        }
    }
}

/// What a rendering needs besides the plan. All of it is given, nothing is looked up.
public struct RenderContext: Sendable {
    public var target: PlanTarget
    public var toolVersion: String
    /// SHA-256 of the resolved manifests in scope.
    public var manifestDigest: String
    /// The manifests and targets the plan covers.
    public var scope: PlanScope
    /// Extends the hidden marker that lets CI find and edit its own pull-request comment,
    /// so several manifest folders can each keep one (`<!-- simfleet:plan:KEY -->`).
    public var commentKey: String?
    /// ANSI colour, for terminals only.
    public var color: Bool

    public init(target: PlanTarget, toolVersion: String, manifestDigest: String, scope: PlanScope = PlanScope(paths: []),
                color: Bool = false) {
        self.target = target
        self.toolVersion = toolVersion
        self.manifestDigest = manifestDigest
        self.scope = scope
        self.color = color
    }

    /// The first line of the markdown: `<!-- simfleet:plan -->`, or with the comment key.
    public func marker(_ kind: String) -> String {
        MarkdownText.commentMarker(kind, key: commentKey)
    }
}

public enum PlanFormat: String, CaseIterable, Sendable {
    case text, markdown, json
}

public enum PlanRenderer {
    public static func render(_ plan: Plan, as format: PlanFormat, context: RenderContext) -> String {
        switch format {
        case .text: text(plan, context: context)
        case .markdown: markdown(plan, context: context)
        case .json: json(plan, context: context)
        }
    }

    static func symbol(_ action: SIMAction) -> String {
        switch action {
        case .activate: "+"
        case .block, .restore: "~"
        case .terminate: "-"
        }
    }

    /// `Plan: 2 to activate, 1 to block, 0 to restore, 1 to terminate (1 refused).`
    public static func summaryLine(_ plan: Plan) -> String {
        let s = plan.summary
        var extras: [String] = []
        if s.errors > 0 { extras.append(Wording.count(s.errors, "error")) }
        if s.pending > 0 { extras.append("\(Wording.grouped(s.pending)) pending") }
        let tail = extras.isEmpty ? "" : " " + extras.joined(separator: ", ") + "."
        if plan.steps.isEmpty && plan.sims.isEmpty {
            return "No changes: no SIMs to check.\(tail)"
        }
        if plan.steps.isEmpty {
            return "No changes. \(Wording.count(s.unchanged, "SIM")) match\(s.unchanged == 1 ? "es" : "") \(s.unchanged == 1 ? "its manifest" : "their manifests").\(tail)"
        }
        let refused = s.refused > 0 ? " (\(Wording.grouped(s.refused)) refused)" : ""
        return "Plan: \(Wording.grouped(s.activate)) to activate, \(Wording.grouped(s.block)) to block, "
            + "\(Wording.grouped(s.restore)) to restore, \(Wording.grouped(s.terminate)) to terminate\(refused).\(tail)"
    }

    // MARK: Text

    public static func text(_ plan: Plan, context: RenderContext) -> String {
        func paint(_ text: String, _ code: String) -> String {
            context.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
        }
        func colour(_ action: SIMAction) -> String {
            switch action {
            case .activate: "32"
            case .block, .restore: "33"
            case .terminate: "31"
            }
        }
        var out = TerminalText.escape(context.target.sentence) + "\n"
        for sentence in context.scope.partialSentences { out += TerminalText.escape(sentence) + "\n" }
        let nameWidth = min(24, plan.steps.map { TerminalText.escape($0.name ?? "").count }.max() ?? 0)
        let lastWave = plan.waves.last?.first?.wave
        for wave in plan.waves {
            let number = wave[0].wave
            let terminations = wave.allSatisfy { $0.action == .terminate } && number == lastWave
            out += "\nWave \(number)\(terminations ? " (terminations, last)" : ""):\n"
            for step in wave {
                let name = TerminalText.escape(step.name ?? "").padded(to: nameWidth)
                var line = "  \(paint(symbol(step.action), colour(step.action))) \(step.action.rawValue.padded(to: 9)) \(step.icc)  \(name)  \(step.from.rawValue) → \(step.to.rawValue)"
                if step.refused { line += "  " + paint("REFUSED, \(TerminalText.escape(step.reason ?? ""))", "1;31") }
                if let note = step.note { line += "  (\(TerminalText.escape(note)))" }
                out += line.trimmingTrailingSpaces() + "\n"
            }
        }
        if let base = context.scope.changedSince, !base.removed.isEmpty {
            out += "\nNo longer managed; left as they are:\n"
            for sim in base.removed { out += "  " + TerminalText.escape(removedLine(sim, base: base)) + "\n" }
        }
        if !plan.errors.isEmpty {
            out += "\nErrors:\n"
            for issue in plan.errors { out += "  " + issue.formatted(.error) + "\n" }
        }
        if !plan.warnings.isEmpty {
            out += "\nWarnings:\n"
            for issue in plan.warnings { out += "  " + issue.formatted(.warning) + "\n" }
        }
        out += "\n" + paint(summaryLine(plan), "1") + "\n"
        return out
    }

    // MARK: Markdown

    /// GitHub refuses comments over 65,536 characters; stay clear of it.
    public static let markdownLimit = 65_000
    /// Groups longer than this are folded.
    static let foldAfter = 10

    public static func markdown(_ plan: Plan, context: RenderContext, limit: Int = markdownLimit) -> String {
        let marker = context.marker("plan") + "\n"
        let partial = context.scope.partialSentences
        if plan.steps.isEmpty && plan.errors.isEmpty && plan.warnings.isEmpty && (context.scope.changedSince?.removed ?? []).isEmpty {
            return marker + "**simfleet plan:** " + ([summaryLine(plan)] + partial + [context.target.sentence]).map(escape).joined(separator: " ") + "\n"
        }
        var sections: [String] = []
        var head = marker + "### simfleet plan\n\n"
        let sentence = escape(context.target.sentence)
        head += context.target.kind == .simulator ? "> **\(sentence)**\n\n" : "\(sentence)\n\n"
        if !partial.isEmpty { head += partial.map { "> " + escape($0) }.joined(separator: "\n>\n") + "\n\n" }
        head += "**\(escape(summaryLine(plan)))**\n\n"
        let s = plan.summary
        head += "| activate | block | restore | terminate | refused | unchanged | pending | errors |\n"
        head += "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        head += "| \(s.activate) | \(s.block) | \(s.restore) | \(s.terminate) | \(s.refused) | \(s.unchanged) | \(s.pending) | \(s.errors) |\n"
        sections.append(head)

        let groups = markdownGroups(plan, base: context.scope.changedSince)
        var out = sections.joined()
        let footer = "\n<sub>simfleet \(context.toolVersion) · manifests \(context.manifestDigest.prefix(12))</sub>\n"
        let reserve = 300 + footer.utf8.count
        var omitted = 0
        for group in groups {
            if omitted > 0 || out.utf8.count + group.header.utf8.count + reserve > limit {
                omitted += group.rows.count
                continue
            }
            out += group.header
            for row in group.rows {
                if omitted > 0 || out.utf8.count + row.utf8.count + group.footer.utf8.count + reserve > limit {
                    omitted += 1
                } else {
                    out += row
                }
            }
            out += group.footer
        }
        if omitted > 0 {
            out += "\n> Truncated: \(Wording.count(omitted, "more row")) did not fit in a comment. "
                + "The full plan is in the JSON plan (`simfleet plan --out plan.json`).\n"
        }
        return out + footer
    }

    /// A part of the comment that is kept or cut whole: a heading, its rows, a closing.
    struct MarkdownGroup {
        var header: String
        var rows: [String]
        var footer: String
    }

    /// Steps grouped by action, then errors and warnings; long groups folded.
    static func markdownGroups(_ plan: Plan, base: ChangeBase?) -> [MarkdownGroup] {
        var groups: [MarkdownGroup] = []
        for action in Planner.actionOrder {
            let steps = plan.steps.filter { $0.action == action }
            guard !steps.isEmpty else { continue }
            let title = "\(action.rawValue.prefix(1).uppercased() + action.rawValue.dropFirst()) (\(Wording.grouped(steps.count)))"
            let table = "| ICC | name | change | wave | note |\n|---|---|---|---:|---|\n"
            let rows = steps.map { step in
                var note = escape(step.note ?? "")
                if step.refused { note = "**refused**: " + escape(step.reason ?? "") }
                return "| `\(step.icc)` | \(escape(step.name ?? "")) | \(step.from.rawValue) → \(step.to.rawValue) | \(step.wave) | \(note) |\n"
            }
            if steps.count > foldAfter {
                groups.append(MarkdownGroup(header: "\n<details><summary>\(title)</summary>\n\n" + table, rows: rows, footer: "\n</details>\n"))
            } else {
                groups.append(MarkdownGroup(header: "\n#### \(title)\n\n" + table, rows: rows, footer: ""))
            }
        }
        if let base, !base.removed.isEmpty {
            let removed = base.removed
            let rows = removed.map { "- " + escape(removedLine($0, base: base)) + "\n" }
            let title = "No longer managed; left as they are (\(Wording.grouped(removed.count)))"
            groups.append(removed.count > foldAfter
                ? MarkdownGroup(header: "\n<details><summary>\(title)</summary>\n\n", rows: rows, footer: "\n</details>\n")
                : MarkdownGroup(header: "\n#### \(title)\n\n", rows: rows, footer: ""))
        }
        for (title, issues, severity) in [("Errors", plan.errors, Diagnostic.Severity.error), ("Warnings", plan.warnings, .warning)] where !issues.isEmpty {
            let rows = issues.map { "- " + escape($0.formatted(severity)) + "\n" }
            if issues.count > foldAfter {
                groups.append(MarkdownGroup(header: "\n<details><summary>\(title) (\(issues.count))</summary>\n\n", rows: rows, footer: "\n</details>\n"))
            } else {
                groups.append(MarkdownGroup(header: "\n#### \(title) (\(issues.count))\n\n", rows: rows, footer: ""))
            }
        }
        return groups
    }

    static func escape(_ text: String) -> String { MarkdownText.escape(text) }

    /// `ICC (name), declared at d16eceb in manifests/old.yaml:12:3`
    static func removedLine(_ sim: RemovedSIM, base: ChangeBase) -> String {
        "\(sim.icc)\(sim.name.map { " (\($0))" } ?? ""), declared at \(base.mergeBase.prefix(7)) in \(sim.location)"
    }

    // MARK: JSON

    /// The plan file's JSON: the same bytes `plan --out` saves.
    public static func json(_ plan: Plan, context: RenderContext) -> String {
        PlanFile(plan: plan, simfleetVersion: context.toolVersion, target: context.target,
                 manifestDigest: context.manifestDigest, scope: context.scope).encoded()
    }
}

extension JSONWriter {
    /// `{"icc", "name", "source", "message"}`, as the plan file and apply's report write it.
    public mutating func value(_ issue: PlanIssue) {
        objectStart()
        key("icc")
        if let icc = issue.icc { value(icc) } else { valueNull() }
        field("name", issue.name)
        key("source")
        if let location = issue.location { value(location) } else { valueNull() }
        field("message", issue.message)
        objectEnd()
    }

    /// `{"kind": "api"|"simulator", "url": ...}`
    public mutating func value(_ target: PlanTarget) {
        objectStart()
        field("kind", target.kind.rawValue)
        field("url", target.url)
        objectEnd()
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
