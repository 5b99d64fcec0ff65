import FleetModel
import Planning

extension PlanView {
    static func settingsMarkdown(_ context: RenderContext) -> String {
        guard !context.settingsChanges.isEmpty else { return "" }
        return "#### Settings changed (simfleet.yaml)\n\n" + context.settingsChanges.prefix(100).map { "- " + cell($0) + "\n" }.joined()
            + (context.settingsChanges.count > 100 ? "- and \(context.settingsChanges.count - 100) more\n" : "") + "\n"
    }

    /// SIMs a break-glass hold keeps blocked while main declares them otherwise, at the top:
    /// a reviewer must not take their restore for drift to repair.
    static func heldMarkdown(_ plan: Plan) -> String {
        guard !plan.holds.isEmpty else { return "" }
        var out = "> [!WARNING]\n> **Held by break glass (\(Wording.grouped(plan.holds.count))):** blocked at once, and kept blocked until main declares them so (merge the break-glass pull request) or the hold is released (`simfleet release-hold`). Apply restores none of them.\n"
        for hold in plan.holds.prefix(policyListed) {
            out += ">\n> - `\(hold.icc)`: \(cell(hold.reason)); run \(cell(hold.run)) by \(cell(hold.by)), \(cell(hold.at)); branch \(cell(hold.branch))\n"
        }
        if plan.holds.count > policyListed { out += ">\n> - and \(Wording.grouped(plan.holds.count - policyListed)) more\n" }
        return out + "\n"
    }

    /// Steps listed at most, per rule, at the top of the markdown.
    static let policyListed = 20

    /// The rules that caught steps, at the top of the markdown: denials first to read.
    /// It takes at most `budget` bytes; rules past it are counted and pointed `elsewhere`,
    /// so the steps below still fit a comment.
    static func policyMarkdown(_ plan: Plan, budget: Int, elsewhere: String) -> String {
        let listing = PolicyListing(plan.steps)
        guard !listing.isEmpty else { return "" }
        let denied = listing.entries.contains { !$0.denied.isEmpty }
        var out = denied ? "> [!IMPORTANT]\n> **Policy rules (simfleet.yaml)** deny steps here: apply will not send them, whatever its flags. Each says what lifts it: the next run, a note, the end of a freeze, or a reviewed change to simfleet.yaml.\n\n"
            : "**Policy rules (simfleet.yaml)**\n\n"
        for (position, entry) in listing.entries.enumerated() {
            var block = "- **\(escape(entry.rule))**: \(escape(entry.counts))\n"
            let lines = entry.denied.map { ("denied", $0) } + entry.warned.map { ("warned", $0) }
            for (kind, caught) in lines.prefix(policyListed) {
                block += "  - \(kind): `\(caught.step.action.rawValue)` `\(caught.step.icc)`\(caught.step.name.map { " (\(escape($0)))" } ?? ""): \(escape(caught.reason))\n"
            }
            if lines.count > policyListed { block += "  - and \(Wording.grouped(lines.count - policyListed)) more\n" }
            // Room kept for the closing line.
            guard out.utf8.count + block.utf8.count + 300 <= budget else {
                let left = listing.entries.count - position
                out += "- and \(Wording.grouped(left)) more rules catch steps; every verdict is in \(elsewhere)\n"
                break
            }
            out += block
        }
        return out + "\n"
    }

    /// What every format says about the plan's scope: partial or full, and for a pull
    /// request, how many steps were merged earlier and not applied yet.
    static func scopeSentences(_ plan: Plan, _ context: RenderContext) -> [String] {
        context.scope.partialSentences + (context.scope.changedSince?.originSentence(plan.steps).map { [$0] } ?? [])
    }

    /// `ICC (name), declared at d16eceb in manifests/old.yaml:12:3`
    static func removedLine(_ sim: RemovedSIM, base: ChangeBase) -> String {
        "\(sim.icc)\(sim.name.map { " (\($0))" } ?? ""), declared at \(base.mergeBase.prefix(7)) in \(sim.location)"
    }
}
