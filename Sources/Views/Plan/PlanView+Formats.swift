import FleetModel
import Planning

extension PlanView {
    // MARK: GitHub annotations

    /// Each per-SIM error and warning as a workflow annotation at its manifest location,
    /// so it shows on the pull request's diff, then the plan's summary for the log.
    public static func github(_ plan: Plan, context: RenderContext) -> String {
        var out = ""
        for (severity, issues) in [(Diagnostic.Severity.error, plan.errors), (.warning, plan.warnings)] {
            for issue in issues {
                var message = issue.message
                if let icc = issue.icc { message = "SIM \(icc)\(issue.name.map { " (\($0))" } ?? ""): " + message }
                if let location = issue.location {
                    out += GitHubAnnotation.command(severity.rawValue, path: location.path, line: location.line, column: location.column, message: message) + "\n"
                } else {
                    out += GitHubAnnotation.command(severity.rawValue, message: message) + "\n"
                }
            }
        }
        // A held SIM at its manifest entry: main declares it otherwise, and apply will not restore it.
        let held = Dictionary(plan.holds.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        for step in plan.steps where step.action == .activate || step.action == .restore {
            guard let hold = held[step.icc] else { continue }
            out += GitHubAnnotation.command("warning", path: step.location.path, line: step.location.line, column: step.location.column,
                                            title: "held by break glass", message: "SIM \(step.icc): \(hold.summary); apply will not \(step.action.rawValue) it until main declares it blocked or the hold is released") + "\n"
        }
        for entry in PolicyListing(plan.steps).entries {
            for (severity, caught) in entry.denied.map({ ("error", $0) }) + entry.warned.map({ ("warning", $0) }) {
                let location = caught.step.location
                out += GitHubAnnotation.command(severity, path: location.path, line: location.line, column: location.column,
                                                title: "policy: \(entry.rule)", message: PolicyListing.line(caught.step, caught.reason)) + "\n"
            }
            if !entry.frozen.isEmpty {
                out += TerminalText.escape("Policy rule '\(entry.rule)': \(entry.counts)") + "\n"
            }
        }
        for line in [context.target.sentence] + scopeSentences(plan, context) + [summaryLine(plan)] {
            out += TerminalText.escape(line) + "\n"
        }
        return out
    }

    // MARK: JSON

    /// The plan file's JSON: the same bytes `plan --out` saves.
    public static func json(_ plan: Plan, context: RenderContext) -> String {
        var file = PlanFile(plan: plan, simfleetVersion: context.toolVersion, target: context.target,
                            manifestDigest: context.manifestDigest, scope: context.scope)
        file.fileDigests = context.fileDigests
        return file.encoded()
    }
}
