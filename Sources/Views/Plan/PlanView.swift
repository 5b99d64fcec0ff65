import FleetModel
import Planning

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
    /// Text: name under each step where its state was declared (`--explain`).
    public var explain = false
    /// What changed in simfleet.yaml since the base commit (and each freeze's state now);
    /// shown even when no step changes.
    public var settingsChanges: [String] = []
    /// Each manifest file's digest (`ManifestDigest.byFile`), saved in the plan file.
    public var fileDigests: [String: String] = [:]
    /// The drift issue's wording: each SIM as "live X, declared Y" (never read as an
    /// action taken), and errors and warnings before the steps.
    public var driftWording = false

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
    /// `github`: workflow annotations for per-SIM errors and warnings, then the summary.
    case text, markdown, json, github
}

public enum PlanView {
    public static func render(_ plan: Plan, as format: PlanFormat, context: RenderContext) -> String {
        switch format {
        case .text: text(plan, context: context)
        case .markdown: markdown(plan, context: context)
        case .json: json(plan, context: context)
        case .github: github(plan, context: context)
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
        if plan.steps.isEmpty && s.pending > 0 {
            return "Not converged: no steps, but \(Wording.count(s.pending, "SIM")) \(s.pending == 1 ? "has" : "have") a job in progress; run plan again once \(s.pending == 1 ? "it settles" : "they settle"). \(Wording.count(s.unchanged, "SIM")) match\(s.unchanged == 1 ? "es" : "") \(s.unchanged == 1 ? "its manifest" : "their manifests").\(s.errors > 0 ? " " + Wording.count(s.errors, "error") + "." : "")"
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
        for sentence in scopeSentences(plan, context) { out += TerminalText.escape(sentence) + "\n" }
        if context.explain, let why = plan.explanations.unavailable { out += "Not explained: " + TerminalText.escape(why) + "\n" }
        if !context.settingsChanges.isEmpty {
            out += "\nSettings changed (simfleet.yaml):\n" + context.settingsChanges.map { "  " + TerminalText.escape($0) + "\n" }.joined()
        }
        if !plan.holds.isEmpty {
            out += "\n" + paint("Held by break glass", "1;33") + " (\(Wording.grouped(plan.holds.count))): kept blocked until main declares them so, or the hold is released; apply restores none of them.\n"
            for hold in plan.holds {
                out += "  " + TerminalText.escape("\(hold.icc)  \(hold.reason)  (run \(hold.run) by \(hold.by), \(hold.at); branch \(hold.branch))") + "\n"
            }
        }
        let listing = PolicyListing(plan.steps)
        if !listing.isEmpty {
            out += "\nPolicy rules (simfleet.yaml):\n"
            for entry in listing.entries {
                out += "  " + paint(TerminalText.escape(entry.rule), "1") + ": " + TerminalText.escape(entry.counts) + "\n"
                for (step, reason) in entry.denied { out += "    " + paint("denied", "1;31") + " " + TerminalText.escape(PolicyListing.line(step, reason)) + "\n" }
                for (step, reason) in entry.warned { out += "    " + paint("warned", "33") + " " + TerminalText.escape(PolicyListing.line(step, reason)) + "\n" }
            }
        }
        let origins = context.scope.changedSince.flatMap { $0.pullRequestBase == nil ? nil : $0.origins }
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
                if let origin = origins?[step.icc] { line += "  [\(TerminalText.escape(origin.label))]" }
                if let note = step.manifestNote { line += "  # \(TerminalText.escape(note))" }
                out += line.trimmingTrailingSpaces() + "\n"
                if context.explain, let declared = plan.explanations.declared[step.icc] {
                    out += "      declared " + TerminalText.escape(declared.sentence) + "\n"
                }
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

    /// Where the full plan is when a comment had to be cut.
    public static let fullPlanElsewhere = "the job's step summary and the JSON plan (`--out`)"

    /// The markdown, at most `limit` bytes. Groups that do not fit are left out whole
    /// (later, smaller ones such as the errors still shown), and the comment says which,
    /// and that the full plan is in `elsewhere`.
    public static func markdown(_ plan: Plan, context: RenderContext, limit: Int = markdownLimit,
                                elsewhere: String = fullPlanElsewhere) -> String {
        let marker = context.marker("plan") + "\n"
        let partial = scopeSentences(plan, context)
        if plan.steps.isEmpty && plan.errors.isEmpty && plan.warnings.isEmpty && (context.scope.changedSince?.removed ?? []).isEmpty {
            return marker + "**simfleet plan:** " + ([summaryLine(plan)] + partial + [context.target.sentence]).map(escape).joined(separator: " ") + "\n"
                + (context.settingsChanges.isEmpty ? "" : "\n" + settingsMarkdown(context))
        }
        var head = marker + "### simfleet plan\n\n"
        let sentence = escape(context.target.sentence)
        head += context.target.kind == .api ? "\(sentence)\n\n" : "> **\(sentence)**\n\n"
        if !partial.isEmpty { head += partial.map { "> " + escape($0) }.joined(separator: "\n>\n") + "\n\n" }
        head += "**\(escape(summaryLine(plan)))**\n\n"
        // Above everything a reviewer might fold away.
        if plan.blastRadius.exceeded {
            head += "> [!CAUTION]\n> **Blast radius exceeded:** \(escape(plan.blastRadius.sentence)). Apply refuses this without `--force`; accept it only through the apply workflow's `accept-blast-radius` input, which the environment's reviewers approve.\n\n"
        }
        head += settingsMarkdown(context)
        head += heldMarkdown(plan)
        head += policyMarkdown(plan, budget: limit / 4, elsewhere: elsewhere)
        if let why = plan.explanations.unavailable { head += "> Not explained: \(escape(why))\n\n" }
        let s = plan.summary
        head += "| activate | block | restore | terminate | refused | unchanged | pending | errors |\n"
        head += "|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        head += "| \(s.activate) | \(s.block) | \(s.restore) | \(s.terminate) | \(s.refused) | \(s.unchanged) | \(s.pending) | \(s.errors) |\n"

        let footer = "\n<sub>simfleet \(escape(context.toolVersion)) · manifests \(escape(String(context.manifestDigest.prefix(12))))</sub>\n"
        var groups = markdownGroups(plan, base: context.scope.changedSince, driftWording: context.driftWording)
        if context.driftWording {
            // On-call reads what could not be planned before what can be repaired.
            groups = groups.filter { $0.iccs == nil } + groups.filter { $0.iccs != nil }
        }
        return fit(head: head, groups: groups, footer: footer, limit: limit, elsewhere: elsewhere)
    }

    /// The groups below `head`, within `limit` bytes, so that a reviewer is told of every
    /// step. Rows are shown whole, in order, as far as they fit. A step whose row does not
    /// fit is named by its ICC in a compact list below, and the room for that list is kept
    /// from the start, group by group in order while the ICCs fit at all (a row that would
    /// push an ICC out is not shown). Room for the errors and warnings is kept too. Only
    /// past that are steps counted instead, with where the full plan is.
    static func fit(head: String, groups: [MarkdownGroup], footer: String, limit: Int, elsewhere: String) -> String {
        // The compact name of each step not shown as a row: "`ICC`, ".
        func entry(_ icc: ICC) -> Int { icc.digits.utf8.count + 4 }
        func listHeading(_ group: MarkdownGroup) -> Int { 64 + group.name.utf8.count }
        let tail = 700 + footer.utf8.count
        let room = limit - head.utf8.count - tail
        // Groups that are not steps keep room for their rows, up to a quarter of the comment.
        var otherRoom = min(limit / 4, groups.filter { $0.iccs == nil }.reduce(0) { $0 + $1.header.utf8.count + $1.footer.utf8.count + $1.rows.reduce(0) { $0 + $1.utf8.count } })
        // Step groups whose every ICC is guaranteed a place, in order, while they fit.
        var named: Set<String> = []
        var pending = otherRoom
        for group in groups {
            guard let iccs = group.iccs else { continue }
            let size = iccs.reduce(listHeading(group)) { $0 + entry($1) }
            guard pending + size <= room else { break }
            named.insert(group.name)
            pending += size
        }
        var out = head
        var unshown: [(group: MarkdownGroup, from: Int)] = []
        for group in groups {
            var text = group.header
            var shown = 0
            for (index, row) in group.rows.enumerated() {
                var freed = 0
                if let iccs = group.iccs {
                    if named.contains(group.name) {
                        freed = entry(iccs[index]) + (index == group.rows.count - 1 ? listHeading(group) : 0)
                    }
                } else {
                    freed = min(otherRoom, (shown == 0 ? group.header.utf8.count + group.footer.utf8.count : 0) + row.utf8.count)
                }
                guard out.utf8.count + text.utf8.count + row.utf8.count + group.footer.utf8.count + (pending - freed) + tail <= limit else { break }
                text += row
                shown += 1
                pending -= freed
                if group.iccs == nil { otherRoom -= freed }
            }
            if shown > 0 { out += text + group.footer }
            if shown < group.rows.count { unshown.append((group, shown)) }
        }
        guard !unshown.isEmpty else { return out + footer }
        let steps = unshown.reduce(0) { $0 + ($1.group.iccs == nil ? 0 : $1.group.rows.count - $1.from) }
        out += "\n> [!NOTE]\n> **Cut to fit GitHub's limit:** "
        out += steps > 0 ? "\(Wording.count(steps, "step")) \(steps == 1 ? "is" : "are") not shown as rows; below, each is named by its ICC as far as room allows. " : ""
        out += "The full plan is in \(elsewhere).\n"
        var uncounted: [String] = []
        for (group, from) in unshown {
            guard let iccs = group.iccs else {
                uncounted.append("\(group.name): \(Wording.grouped(group.rows.count - from)) more not shown")
                continue
            }
            let rest = iccs[from...]
            var line = "\n**\(group.name) (\(Wording.grouped(rest.count)) more):** "
            var listed = 0
            for icc in rest {
                let item = (listed == 0 ? "" : ", ") + "`\(icc.digits)`"
                guard out.utf8.count + line.utf8.count + item.utf8.count + 300 + footer.utf8.count <= limit else { break }
                line += item
                listed += 1
            }
            if listed < rest.count { line += (listed == 0 ? "" : "; ") + "and \(Wording.grouped(rest.count - listed)) more, not named here" }
            out += line + "\n"
        }
        if !uncounted.isEmpty { out += "\n" + uncounted.map { "- " + escape($0) }.joined(separator: "\n") + "\n" }
        return out + footer
    }

    /// A part of the comment: a heading, its rows (shown whole, as far as they fit), a
    /// closing; for a group of steps, each row's ICC, so a step whose row is cut is still named.
    struct MarkdownGroup {
        /// "Block", for the compact list and the notes on what was cut.
        var name: String
        var header: String
        var rows: [String]
        var footer: String
        var iccs: [ICC]? = nil
    }

    /// A cell's text from outside (a note, a name): at most `cellLimit` characters, so no
    /// one cell can push other steps out of the comment.
    static let cellLimit = 300

    static func cell(_ text: String) -> String {
        guard text.unicodeScalars.count > cellLimit else { return escape(text) }
        var cut = String.UnicodeScalarView()
        cut.append(contentsOf: text.unicodeScalars.prefix(cellLimit))
        return escape(String(cut)) + " … _(cut; \(Wording.grouped(text.unicodeScalars.count)) characters in all)_"
    }

    /// Steps grouped by action, then SIMs no longer managed, errors and warnings; long
    /// groups folded.
    static func markdownGroups(_ plan: Plan, base: ChangeBase?, driftWording: Bool = false) -> [MarkdownGroup] {
        var groups: [MarkdownGroup] = []
        let declared = plan.explanations.declared
        let desired = driftWording ? Dictionary(plan.sims.map { ($0.icc, $0.desired) }, uniquingKeysWith: { first, _ in first }) : [:]
        for action in Planner.actionOrder {
            let steps = plan.steps.filter { $0.action == action }
            guard !steps.isEmpty else { continue }
            let origins = base.flatMap { $0.pullRequestBase == nil ? nil : $0.origins }
            let rows = steps.map { step in
                var notes = [step.manifestNote, step.note].compactMap { $0 }.map(cell)
                if step.refused { notes.insert("**refused**: " + cell(step.reason ?? ""), at: 0) }
                if let origin = origins?[step.icc] { notes.insert("_" + cell(origin.label) + "_", at: 0) }
                let column = declared.isEmpty ? "" : " \(declared[step.icc].map(declaredCell) ?? "") |"
                let change = driftWording ? "live \(step.from.rawValue), declared \((desired[step.icc] ?? step.to).rawValue)" : "\(step.from.rawValue) → \(step.to.rawValue)"
                return "| `\(step.icc)` | \(cell(step.name ?? "")) | \(change) | \(step.wave) |\(column) \(notes.joined(separator: " · ")) |\n"
            }
            let name = action.rawValue.prefix(1).uppercased() + action.rawValue.dropFirst()
            let what = driftWording ? "state" : "change"
            let table = declared.isEmpty ? "| ICC | name | \(what) | wave | note |\n|---|---|---|---:|---|\n"
                : "| ICC | name | \(what) | wave | declared | note |\n|---|---|---|---:|---|---|\n"
            var stepGroup = group(name, count: steps.count, rows: rows, table: table)
            stepGroup.iccs = steps.map(\.icc)
            groups.append(stepGroup)
        }
        if let base, !base.removed.isEmpty {
            let rows = base.removed.map { "- " + cell(removedLine($0, base: base)) + "\n" }
            groups.append(group("No longer managed; left as they are", count: rows.count, rows: rows))
        }
        for (title, issues, severity) in [("Errors", plan.errors, Diagnostic.Severity.error), ("Warnings", plan.warnings, .warning)] where !issues.isEmpty {
            groups.append(group(title, count: issues.count, rows: issues.map { "- " + escape($0.formatted(severity)) + "\n" }))
        }
        return groups
    }

    /// A heading and its rows, folded when there are more than `foldAfter`.
    static func group(_ name: String, count: Int, rows: [String], table: String = "") -> MarkdownGroup {
        let title = "\(name) (\(Wording.grouped(count)))"
        return count > foldAfter
            ? MarkdownGroup(name: name, header: "\n<details><summary>\(title)</summary>\n\n" + table, rows: rows, footer: "\n</details>\n")
            : MarkdownGroup(name: name, header: "\n#### \(title)\n\n" + table, rows: rows, footer: "")
    }

    static func escape(_ text: String) -> String { MarkdownText.escape(text) }

    /// "abc1234 #123": the number is ours (parsed as a number), so GitHub may link it.
    static func declaredCell(_ declared: Declaration) -> String {
        guard let commit = declared.commit else { return "_not committed_" }
        return "`\(commit.shortID)`" + (commit.pullRequest.map { " #\($0)" } ?? "")
    }

    /// The "Settings changed" section: what a change to simfleet.yaml does, by name.
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
