import FleetModel
import Planning
import Reconciler

/// `apply`'s report for the terminal, a pull-request comment, workflow annotations and
/// programs.
extension ApplyReport {
    /// Said loudly, first, in every format.
    public var journalWarning: String? {
        journalFailure.map { "THE JOURNAL IS INCOMPLETE: \($0). No new step was started after that; this report is the full record of what was sent." }
    }

    public var summaryLine: String {
        var parts = StepOutcome.allCases.compactMap { outcome -> String? in
            let n = count(outcome)
            return n == 0 ? nil : "\(Wording.grouped(n)) \(outcome.rawValue)"
        }
        if !planErrors.isEmpty { parts.append("\(Wording.count(planErrors.count, "SIM")) not planned") }
        if !unsettled.isEmpty { parts.append("\(Wording.count(unsettled.count, "SIM")) not settled") }
        let body = parts.isEmpty ? "nothing to do" : parts.joined(separator: ", ")
        let verdict = switch exitCode {
        case 0: "Apply complete"
        case 4: "Apply complete but for terminations awaiting an allowance"
        default: interrupted ? "Apply interrupted" : "Apply incomplete"
        }
        return "\(verdict): \(body)."
    }

    /// "Applied 3 of the plan's 10 steps: --target, --target-file and --label narrowed it."
    public var narrowingLine: String? {
        narrowedFrom.map { "Applied \(Wording.grouped(results.count)) of the plan's \(Wording.count($0, "step")): --target, --target-file and --label narrowed it." }
    }

    /// More steps than this with one outcome and one detail are one line in text and
    /// markdown; the JSON report still lists each.
    public static let summariseAfter = 5

    /// Steps that did not converge, in plan order; a long run of identical outcomes is one
    /// entry, at its first step's place, with how many steps it stands for.
    func openGroups() -> [(result: StepResult, count: Int)] {
        let open = results.filter { !$0.outcome.converged }
        let sizes = Dictionary(open.map { ("\($0.outcome.rawValue)\u{0}\($0.detail)", 1) }, uniquingKeysWith: +)
        var shown: Set<String> = []
        var groups: [(result: StepResult, count: Int)] = []
        for result in open {
            let key = "\(result.outcome.rawValue)\u{0}\(result.detail)"
            let size = sizes[key]!
            if size <= Self.summariseAfter {
                groups.append((result, 1))
            } else if shown.insert(key).inserted {
                groups.append((result, size))
            }
        }
        return groups
    }

    /// "467 steps not started: the run was interrupted", "12 steps failed: HTTP 500".
    static func summarised(_ result: StepResult, count: Int) -> String {
        let detail = result.outcome == .skipped ? result.detail : "\(result.outcome.rawValue): \(result.detail)"
        return "\(Wording.count(count, "step")) \(detail)"
    }

    public func text() -> String {
        var out = ""
        for (result, count) in openGroups() {
            if count > 1 {
                out += "  " + TerminalText.escape(Self.summarised(result, count: count)) + " (each is in the JSON report and the journal)\n"
                continue
            }
            let name = result.step.name.map { " (\(TerminalText.escape($0)))" } ?? ""
            out += "  \(result.outcome.rawValue): \(result.step.action.rawValue) \(result.step.icc)\(name): \(TerminalText.escape(result.detail))\n"
        }
        var head = out.isEmpty ? "" : "Steps that did not converge:\n" + out + "\n"
        if !planErrors.isEmpty {
            head += "SIMs not planned, so nothing was sent for them:\n"
            for issue in planErrors { head += "  " + issue.formatted(.error) + "\n" }
            head += "\n"
        }
        if !unsettled.isEmpty {
            head += "SIMs that did not settle (a job was in progress when planned; run apply again once it ends):\n"
            for issue in unsettled { head += "  " + issue.formatted(.error) + "\n" }
            head += "\n"
        }
        if let narrowingLine { head += narrowingLine + "\n" }
        if let journalWarning { head = TerminalText.escape(journalWarning) + "\n\n" + head }
        return head + summaryLine + "\n"
    }

    public func markdown(commentKey: String? = nil) -> String {
        var out = MarkdownText.commentMarker("apply", key: commentKey) + "\n### simfleet apply\n\n"
        if let journalWarning { out += "> **\(MarkdownText.escape(journalWarning))**\n\n" }
        if target.kind == .simulator { out += "> **\(MarkdownText.escape(target.sentence))**\n\n" }
        out += "**\(summaryLine)**\n\n"
        if let narrowingLine { out += MarkdownText.escape(narrowingLine) + "\n\n" }
        out += "| outcome | steps |\n|---|---:|\n"
        for outcome in StepOutcome.allCases where count(outcome) > 0 { out += "| \(outcome.rawValue) | \(count(outcome)) |\n" }
        if !planErrors.isEmpty { out += "| not planned | \(planErrors.count) |\n" }
        if !unsettled.isEmpty { out += "| not settled | \(unsettled.count) |\n" }
        let open = openGroups()
        if !open.isEmpty {
            out += "\n| outcome | action | ICC | name | detail |\n|---|---|---|---|---|\n"
            for (result, count) in open.prefix(500) {
                if count > 1 {
                    out += "| \(result.outcome.rawValue) | \(Wording.count(count, "step")) | | | \(MarkdownText.escape(result.detail)) (each is in the JSON report) |\n"
                } else {
                    out += "| \(result.outcome.rawValue) | \(result.step.action.rawValue) | `\(result.step.icc)` | \(MarkdownText.escape(result.step.name ?? "")) | \(MarkdownText.escape(result.detail)) |\n"
                }
            }
            if open.count > 500 { out += "\n> \(open.count - 500) more rows are in the JSON report and the journal.\n" }
        }
        if !planErrors.isEmpty {
            out += "\n#### Not planned (\(planErrors.count))\n\n"
            for issue in planErrors.prefix(500) { out += "- " + MarkdownText.escape(issue.formatted(.error)) + "\n" }
        }
        if !unsettled.isEmpty {
            out += "\n#### Not settled (\(unsettled.count))\n\n"
            for issue in unsettled.prefix(500) { out += "- " + MarkdownText.escape(issue.formatted(.error)) + "\n" }
        }
        return out
    }

    /// Workflow annotations at the manifest entries of SIMs not planned and of steps that
    /// failed or whose outcome is unknown (at most 50; GitHub shows fewer), then the text
    /// report, which also counts the steps not started.
    public func github() -> String {
        var lines: [String] = []
        for (issue, what) in planErrors.map({ ($0, "not planned") }) + unsettled.map({ ($0, "not settled") }) {
            let message = "SIM \(issue.icc.map(\.digits) ?? "")\(issue.name.map { " (\($0))" } ?? ""): \(what): \(issue.message)"
            lines.append(issue.location.map { GitHubAnnotation.command("error", path: $0.path, line: $0.line, column: $0.column, message: message) }
                ?? GitHubAnnotation.command("error", message: message))
        }
        for result in results where result.outcome == .failed || result.outcome == .unknown || result.outcome == .stale {
            let location = result.step.location
            lines.append(GitHubAnnotation.command("error", path: location.path, line: location.line, column: location.column,
                                                  message: "\(result.step.action.rawValue) \(result.step.icc) \(result.outcome.rawValue): \(result.detail)"))
        }
        return lines.prefix(50).map { $0 + "\n" }.joined() + text()
    }

    /// The JSON report of an apply that stopped before it could report steps: refused
    /// before sending (exit 1: nothing was sent), or stopped by the API (exit 3; the
    /// journal holds what was sent). `errors` are the lines it printed.
    /// The exit status an apply report (`apply --format json`) records, read back for
    /// `mark-applied`; nil for anything that is not such a report.
    public static func recordedExitCode(_ bytes: [UInt8]) -> Int32? {
        guard let json = JSONValue(parsing: bytes), json["formatVersion"].map({ $0 == .number("1") }) ?? true,
              case .number(let text)? = json["exitCode"], let code = Int32(text), (0...255).contains(code) else { return nil }
        return code
    }

    public static func stopped(exitCode: Int32, errors: [String]) -> String {
        var w = JSONWriter(reservingCapacity: 256)
        w.objectStart()
        w.field("formatVersion", 1)
        w.field("exitCode", Int(exitCode))
        w.field("nothingSent", exitCode == 1)
        w.array("errors", errors) { w, line in w.value(line) }
        w.objectEnd()
        w.newline()
        return w.string
    }

    public func json() -> String {
        var w = JSONWriter(reservingCapacity: 256 + results.count * 160)
        w.objectStart()
        w.field("formatVersion", 1)
        w.key("target")
        w.value(target)
        w.field("interrupted", interrupted)
        w.field("exitCode", Int(exitCode))
        w.field("journalFailure", journalFailure)
        w.key("narrowedFrom")
        if let narrowedFrom { w.value(narrowedFrom) } else { w.valueNull() }
        w.object("summary") { w in
            for outcome in StepOutcome.allCases { w.field(outcome.rawValue, count(outcome)) }
            w.field("not-planned", planErrors.count)
            w.field("not-settled", unsettled.count)
        }
        w.array("steps", results) { w, result in
            w.object { w in
                w.field("icc", result.step.icc)
                w.field("name", result.step.name)
                w.field("action", result.step.action.rawValue)
                w.field("wave", result.step.wave)
                w.field("outcome", result.outcome.rawValue)
                w.field("detail", result.detail)
                w.field("jobId", result.jobId)
            }
        }
        w.array("notPlanned", planErrors) { w, issue in w.value(issue) }
        w.array("notSettled", unsettled) { w, issue in w.value(issue) }
        w.objectEnd()
        w.newline()
        return w.string
    }
}
