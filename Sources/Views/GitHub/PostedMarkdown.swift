import FleetModel
import Planning

/// The markdown simfleet posts on GitHub: a plan or apply headed by the commit it was made
/// for, or, when simfleet stopped before planning, why, so no earlier plan survives.
public enum PostedMarkdown {
    /// `markdown` (whose first line is its hidden marker) with the commit under the marker.
    public static func headed(_ markdown: String, commit: String?) -> String {
        guard let commit else { return markdown }
        let (marker, rest) = split(markdown)
        return marker + "\n" + "_For commit `\(commit.prefix(12))`._\n\n" + rest
    }

    /// The body for a run that stopped before it had a plan: the errors it printed, each
    /// escaped, at most `shown` of them.
    public static func stopped(marker: String, title: String, commit: String?, errors: [String], shown: Int = 100) -> String {
        var out = marker + "\n### \(title)\n\n"
        let subject = commit.map { "for commit `\($0.prefix(12))`" } ?? "for this commit"
        out += "**No plan \(subject)**: simfleet stopped before planning. Fix these, then push again:\n\n"
        let lines = errors.filter { !$0.isEmpty }
        for line in lines.prefix(shown) { out += "- " + MarkdownText.escape(line) + "\n" }
        if lines.count > shown { out += "- … and \(lines.count - shown) more, in the run's log\n" }
        if lines.isEmpty { out += "- see the run's log\n" }
        return out
    }

    /// The drift issue's body: the picture, the commit and the plan's markdown together within
    /// `limit` bytes (GitHub refuses a body over 65,536 characters, GitLab over 1,000,000).
    /// It says how to repair (the apply workflow with `scope: full`), links the run, states
    /// each SIM as "live X, declared Y" with holds and errors first.
    public static func driftIssue(_ plan: Plan, context: RenderContext, picture: String?, commit: String?, runURL: String? = nil,
                                  limit: Int = PlanView.markdownLimit, repair: String = gitHubRepair) -> String {
        var drift = context
        drift.driftWording = true
        let repair = "**Repair:** " + repair
            + (plan.holds.isEmpty ? "" : " Held SIMs stay blocked until main declares them so (merge their break-glass pull requests).")
            + (runURL.map { " This check: [the run](\($0))." } ?? "") + "\n\n"
        let room = limit - (picture?.utf8.count ?? 0) - repair.utf8.count - 128
        let table = PlanView.markdown(plan, context: drift, limit: room, elsewhere: "this run's step summary and the JSON plan (`--out`)")
        return headed(pictured(table, repair + (picture ?? "")), commit: commit)
    }

    /// How to repair drift with the GitHub workflows `init` writes.
    public static let gitHubRepair = "run the **simfleet apply** workflow by hand (Run workflow) with `scope: full`: it plans every SIM against main and applies after a reviewer approves."
    /// The same with the `.gitlab-ci.yml` `init --ci gitlab` writes.
    public static let gitLabRepair = "run a pipeline on the default branch by hand (Build › Pipelines › Run pipeline) with `SIMFLEET_ACTION` = `apply` and `SIMFLEET_SCOPE` = `full`, then start its manual `simfleet-apply` job: it plans every SIM against the default branch and applies that plan."

    /// `markdown` with `picture` under its heading (`### ...`), or under the marker.
    public static func pictured(_ markdown: String, _ picture: String?) -> String {
        guard let picture else { return markdown }
        let (marker, rest) = split(markdown)
        if rest.hasPrefix("### "), let end = rest.firstIndex(of: "\n") {
            return marker + "\n" + rest[...end] + "\n" + picture + String(rest[rest.index(after: end)...])
        }
        return marker + "\n" + picture + "\n" + rest
    }

    static func split(_ markdown: String) -> (String, String) {
        guard let newline = markdown.firstIndex(of: "\n") else { return (markdown, "") }
        return (String(markdown[..<newline]), String(markdown[markdown.index(after: newline)...]))
    }
}
