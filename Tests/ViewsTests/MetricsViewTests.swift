import FleetModel
import Planning
@testable import Reconciler
import TestSupport
import Testing
import Views

/// A run's metrics in Prometheus's text format.
@Suite struct MetricsViewTests {
    /// SIMs 1, 2, 3… declared and observed as given, planned, and the plan counted.
    static func counted(_ command: String, success: Bool, durationSeconds: Double, desired: [SIMState], observed: [Observation]) -> (Plan, RunMetrics) {
        let sims = desired.enumerated().map { Fleet.sim($0.offset + 1, $0.element) }
        let live = Dictionary(uniqueKeysWithValues: observed.enumerated().map { (Fleet.icc($0.offset + 1), $0.element) })
        let plan = Planner.plan(desired: sims, observed: live, policy: Policy(), managed: sims.count)
        var metrics = RunMetrics(command: command, success: success, finishedAt: 1_796_000_000, durationSeconds: durationSeconds)
        metrics.count(plan)
        return (plan, metrics)
    }

    @Test func aPlanIsCountedByStateDriftAndAction() {
        let (_, metrics) = Self.counted("plan", success: true, durationSeconds: 1.5, desired: [.active, .blocked, .active],
                                        observed: [Fleet.live("ACTIVATED"), Fleet.live("ACTIVATED"), Observation.failed("timeout")])
        let text = MetricsView.prometheus(metrics)
        for line in [
            #"simfleet_sims{command="plan",state="active"} 2"#, #"simfleet_sims{command="plan",state="blocked"} 1"#, #"simfleet_sims{command="plan",state="terminated"} 0"#,
            #"simfleet_sims_live{command="plan",state="active"} 2"#, #"simfleet_sims_live{command="plan",state="unknown"} 1"#,
            #"simfleet_drift_sims{command="plan",from="active",to="blocked"} 1"#, #"simfleet_drift_sims{command="plan",from="unknown",to="active"} 1"#,
            #"simfleet_plan_steps{command="plan",action="block"} 1"#, #"simfleet_plan_steps{command="plan",action="activate"} 0"#,
            #"simfleet_last_run_timestamp_seconds{command="plan"} 1796000000"#, #"simfleet_last_run_success{command="plan"} 1"#,
            #"simfleet_run_duration_seconds{command="plan"} 1.5"#,
        ] {
            #expect(text.contains("\n" + line + "\n"), "missing \(line) in\n\(text)")
        }
        #expect(text.hasPrefix("# HELP simfleet_sims "))
        #expect(!text.contains("simfleet_apply_steps"), "a plan has no apply outcomes")
        // Every family is declared once, as a gauge, before its samples.
        #expect(text.components(separatedBy: "# TYPE ").count - 1 == 7)
    }

    /// apply.prom tells the state after the apply, from the reads that confirmed each step:
    /// a converged apply reports no drift, and a step that did not converge keeps its SIM's.
    @Test func anApplyReportsTheStateAfterItsSteps() {
        let (plan, planned) = Self.counted("apply", success: false, durationSeconds: 2, desired: [.blocked, .blocked, .active],
                                           observed: Array(repeating: Fleet.live("ACTIVATED"), count: 3))
        var metrics = planned
        let results = plan.steps.map { StepResult(step: $0, outcome: $0.icc == Fleet.icc(1) ? .confirmed : .failed, detail: "") }
        metrics.count(ApplyReport(results: results, interrupted: false, target: PlanTarget(kind: .simulator, url: "http://127.0.0.1:1")))
        let text = MetricsView.prometheus(metrics)
        #expect(text.contains("\n" + #"simfleet_sims_live{command="apply",state="blocked"} 1"# + "\n"), "\(text)")
        #expect(text.contains("\n" + #"simfleet_sims_live{command="apply",state="active"} 2"# + "\n"), "\(text)")
        #expect(text.contains("\n" + #"simfleet_drift_sims{command="apply",from="active",to="blocked"} 1"# + "\n"), "only the SIM whose block failed: \(text)")
    }

    @Test(arguments: [
        ("plain", "plain"),
        (#"a"b\c"#, #"a\"b\\c"#),
        ("line\nbreak", #"line\nbreak"#),
        ("bell\u{07}", #"bell\u{7}"#),
    ])
    func labelValuesAreEscapedAsTheFormatRequires(value: String, escaped: String) {
        #expect(PrometheusText.escapeLabel(value) == escaped)
    }
}
