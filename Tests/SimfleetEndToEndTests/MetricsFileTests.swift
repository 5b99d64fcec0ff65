import Foundation
import TestSupport
import Testing

/// `--metrics-file`: written whole after every run, success or not. (`.ci/run` also parses
/// the files with prometheus_client.)
@Suite struct MetricsFileTests {
    @Test func aPlanThatCouldNotBeMadeSaysSo() async throws {
        try await withTemporaryDirectory { dir in
            _ = try Simfleet.run(["init", dir.path])
            let good = try Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-file", "plan.prom"], in: dir)
            #expect(good.status == 0)
            var text = try String(contentsOf: dir.appendingPathComponent("plan.prom"), encoding: .utf8)
            #expect(text.contains("\nsimfleet_last_run_success{command=\"plan\"} 1\n"))
            #expect(text.contains("\nsimfleet_sims{state=\"active\"} 2\n"), "\(text)")

            try "sims:\n  - {icc: \"1\", state: active}\n".write(to: dir.appendingPathComponent("manifests/example.yaml"), atomically: true, encoding: .utf8)
            let bad = try Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-file", "plan.prom"], in: dir)
            #expect(bad.status == 1)
            text = try String(contentsOf: dir.appendingPathComponent("plan.prom"), encoding: .utf8)
            #expect(text.contains("\nsimfleet_last_run_success{command=\"plan\"} 0\n"), "\(text)")
            #expect(!text.contains("simfleet_sims{"), "no counts from a plan that was not made")
        }
    }

    /// The step summary opens with the drift picture, broken down by a label.
    @Test func theStepSummaryOpensWithThePicture() async throws {
        try await withTemporaryDirectory { dir in
            _ = try Simfleet.run(["init", dir.path])
            let summary = dir.appendingPathComponent("summary.md")
            let result = try Simfleet.run(["plan", "--simulator", "--no-progress", "--group-by", "fleet"], in: dir,
                                          environment: ["GITHUB_STEP_SUMMARY": summary.path])
            #expect(result.status == 0)
            let text = try String(contentsOf: summary, encoding: .utf8)
            #expect(text.contains("### simfleet plan\n\n```mermaid\npie showData title Drift: "), "\(text.prefix(400))")
            #expect(text.contains("pie showData title Drift by fleet\n  \"example\" : "), "\(text.prefix(600))")
        }
    }
}
