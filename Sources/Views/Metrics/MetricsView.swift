import FleetModel
import Planning
import Reconciler

/// What one run of plan or apply tells a dashboard, as Prometheus's text format for
/// node_exporter's textfile collector: counts by state, drift by transition, steps by action
/// or outcome, and when the run ended, whether it succeeded and how long it took.
public struct RunMetrics: Sendable, Equatable {
    public var command: String
    public var success: Bool
    /// Seconds since 1970, when the run ended.
    public var finishedAt: Double
    public var durationSeconds: Double
    /// Each SIM the run covered: the state its manifest declares, and its live state as the
    /// run last knew it (`unknown` when it could not be read).
    private var sims: [ICC: Entry] = [:]

    struct Entry: Sendable, Equatable {
        var declared: String
        var live: String
    }
    private var counted = false
    public var planSteps: [String: Int] = [:]
    public var applySteps: [String: Int] = [:]

    /// The SIMs the run covered, by the state their manifests declare.
    public var declared: [String: Int] { tally(\.declared, SIMState.allCases.map(\.rawValue)) }
    /// The same SIMs by live state.
    public var live: [String: Int] { tally(\.live, LiveState.allCases.map(\.rawValue)) }
    /// SIMs that differ from their manifests, by live state and desired state.
    public var drift: [Transition: Int] {
        var drift: [Transition: Int] = [:]
        for sim in sims.values where sim.live != sim.declared {
            drift[Transition(from: sim.live, to: sim.declared), default: 0] += 1
        }
        return drift
    }

    private func tally(_ key: KeyPath<Entry, String>, _ zeros: [String]) -> [String: Int] {
        guard counted else { return [:] }
        var counts = Dictionary(uniqueKeysWithValues: zeros.map { ($0, 0) })
        for sim in sims.values { counts[sim[keyPath: key], default: 0] += 1 }
        return counts
    }

    public struct Transition: Sendable, Hashable, Comparable {
        public var from: String
        public var to: String

        public static func < (a: Transition, b: Transition) -> Bool { (a.from, a.to) < (b.from, b.to) }
    }

    public init(command: String, success: Bool, finishedAt: Double, durationSeconds: Double) {
        self.command = command
        self.success = success
        self.finishedAt = finishedAt
        self.durationSeconds = durationSeconds
    }

    /// The counts a plan gives: every SIM it covered, its drift and its steps.
    public mutating func count(_ plan: Plan) {
        counted = true
        for action in SIMAction.allCases { planSteps[action.rawValue] = 0 }
        for sim in plan.sims {
            // A SIM planned unchanged matches; one that differs keeps its live state, or unknown.
            let live = sim.outcome == .unchanged ? sim.desired.rawValue : sim.live?.settled?.rawValue ?? sim.live?.rawValue ?? "unknown"
            sims[sim.icc] = Entry(declared: sim.desired.rawValue, live: live)
        }
        for step in plan.steps { planSteps[step.action.rawValue, default: 0] += 1 }
    }

    /// The counts an apply gives: its steps by outcome, and the state after the apply: each
    /// step the reads confirmed (or found done) leaves its SIM in the step's target state.
    public mutating func count(_ report: ApplyReport) {
        for outcome in StepOutcome.allCases { applySteps[outcome.rawValue] = report.count(outcome) }
        for result in report.results.sorted(by: { $0.step.wave < $1.step.wave }) where result.outcome.converged {
            guard let sim = sims[result.step.icc] else { continue }
            sims[result.step.icc] = Entry(declared: sim.declared, live: result.step.to.rawValue)
        }
    }
}

/// Prometheus's text exposition format, version 0.0.4.
public enum MetricsView {
    public static func prometheus(_ metrics: RunMetrics) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples {
                let labels = sample.labels.map { "\($0.0)=\"\(PrometheusText.escapeLabel($0.1))\"" }.joined(separator: ",")
                out += name + (labels.isEmpty ? "" : "{\(labels)}") + " " + PrometheusText.number(sample.value) + "\n"
            }
        }
        // Every series carries `command`: plan.prom and apply.prom never write the same one.
        let command = [("command", metrics.command)]
        func byKey(_ label: String, _ counts: [String: Int]) -> [(labels: [(String, String)], value: Double)] {
            counts.sorted { $0.key < $1.key }.map { (command + [(label, $0.key)], Double($0.value)) }
        }
        family("simfleet_sims", "SIMs the run covered, by the state their manifests declare.", byKey("state", metrics.declared))
        family("simfleet_sims_live", "SIMs the run covered, by live state when the run ended (apply: after its steps; unknown: could not be read).", byKey("state", metrics.live))
        family("simfleet_drift_sims", "SIMs that differ from their manifests when the run ended, by live and desired state.",
               metrics.drift.sorted { $0.key < $1.key }.map { (command + [("from", $0.key.from), ("to", $0.key.to)], Double($0.value)) })
        family("simfleet_plan_steps", "Steps the plan holds, by action.", byKey("action", metrics.planSteps))
        family("simfleet_apply_steps", "Steps the apply carried out, by outcome.", byKey("outcome", metrics.applySteps))
        family("simfleet_last_run_timestamp_seconds", "When the last run ended, in seconds since 1970.", [(command, metrics.finishedAt)])
        family("simfleet_last_run_success", "1 when the last run succeeded (plan: made; apply: converged), else 0.", [(command, metrics.success ? 1 : 0)])
        family("simfleet_run_duration_seconds", "How long the last run took.", [(command, metrics.durationSeconds)])
        return out
    }
}
