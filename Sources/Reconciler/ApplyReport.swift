import FleetModel
import NexConAPI
import Planning

/// What happened to one step.
public enum StepOutcome: String, Sendable, CaseIterable {
    /// Sent, and the SIM reached its target.
    case confirmed
    /// The SIM was already where the step leads; nothing was sent.
    case alreadyDone = "already-done"
    /// The SIM changed since the plan was made; nothing was sent.
    case stale
    /// Sent (or found running) and did not reach its target.
    case failed
    /// Sent, but neither success nor failure could be seen before the wait ran out.
    case unknown
    /// A termination kept back because another step of the run did not succeed.
    case heldBack = "held-back"
    /// Not allowed: a termination without an allowance at apply time, or protected.
    case refused
    /// Not started: the run was interrupted, or this SIM's earlier step did not succeed.
    case skipped

    public var converged: Bool { self == .confirmed || self == .alreadyDone }
}

public struct StepResult: Sendable {
    public var step: Step
    public var outcome: StepOutcome
    public var detail: String
    public var jobId: String?
}

/// The outcome of an apply run, in plan order.
public struct ApplyReport: Sendable {
    public var results: [StepResult]
    public var interrupted: Bool
    public var target: PlanTarget

    public func count(_ outcome: StepOutcome) -> Int { results.count { $0.outcome == outcome } }

    /// 0 when every step converged, 3 when some did not.
    public var exitCode: Int32 { results.allSatisfy(\.outcome.converged) && !interrupted ? 0 : 3 }

    public var summaryLine: String {
        let parts = StepOutcome.allCases.compactMap { outcome -> String? in
            let n = count(outcome)
            return n == 0 ? nil : "\(Wording.grouped(n)) \(outcome.rawValue)"
        }
        let body = parts.isEmpty ? "nothing to do" : parts.joined(separator: ", ")
        let verdict = exitCode == 0 ? "Apply complete" : (interrupted ? "Apply interrupted" : "Apply incomplete")
        return "\(verdict): \(body)."
    }

    public func text() -> String {
        var out = ""
        for result in results where !result.outcome.converged {
            let name = result.step.name.map { " (\($0))" } ?? ""
            out += "  \(result.outcome.rawValue): \(result.step.action.rawValue) \(result.step.icc)\(name): \(result.detail)\n"
        }
        return (out.isEmpty ? "" : "Steps that did not converge:\n" + out + "\n") + summaryLine + "\n"
    }

    public func markdown() -> String {
        var out = "### simfleet apply\n\n"
        if target.kind == .simulator { out += "> **\(target.sentence)**\n\n" }
        out += "**\(summaryLine)**\n\n| outcome | steps |\n|---|---:|\n"
        for outcome in StepOutcome.allCases where count(outcome) > 0 { out += "| \(outcome.rawValue) | \(count(outcome)) |\n" }
        let open = results.filter { !$0.outcome.converged }
        if !open.isEmpty {
            out += "\n| outcome | action | ICC | name | detail |\n|---|---|---|---|---|\n"
            for result in open.prefix(500) {
                out += "| \(result.outcome.rawValue) | \(result.step.action.rawValue) | `\(result.step.icc)` | \(PlanRenderer.escapeMarkdown(result.step.name ?? "")) | \(PlanRenderer.escapeMarkdown(result.detail)) |\n"
            }
            if open.count > 500 { out += "\n> \(open.count - 500) more rows are in the JSON report and the journal.\n" }
        }
        return out
    }

    public func json() -> String {
        var w = JSONWriter(reservingCapacity: 256 + results.count * 160)
        w.objectStart()
        w.field("formatVersion", 1)
        w.key("target")
        w.value(target)
        w.field("interrupted", interrupted)
        w.field("exitCode", Int(exitCode))
        w.key("summary")
        w.objectStart()
        for outcome in StepOutcome.allCases { w.field(outcome.rawValue, count(outcome)) }
        w.objectEnd()
        w.key("steps")
        w.arrayStart()
        for result in results {
            w.objectStart()
            w.key("icc")
            w.value(result.step.icc)
            w.field("name", result.step.name)
            w.field("action", result.step.action.rawValue)
            w.field("wave", result.step.wave)
            w.field("outcome", result.outcome.rawValue)
            w.field("detail", result.detail)
            w.field("jobId", result.jobId)
            w.objectEnd()
        }
        w.arrayEnd()
        w.objectEnd()
        w.newline()
        return w.string
    }
}
