import Foundation
import Synchronization
import TestSupport
import Testing

/// `--metrics-file`: written whole after every run, success or not. (`.ci/run` also parses
/// the files with prometheus_client.)
@Suite struct MetricsFileTests {
    @Test func aPlanThatCouldNotBeMadeSaysSo() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await Simfleet.run(["init", dir.path])
            let good = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-file", "plan.prom"], in: dir)
            #expect(good.status == 0)
            var text = try String(contentsOf: dir.appendingPathComponent("plan.prom"), encoding: .utf8)
            #expect(text.contains("\nsimfleet_last_run_success{command=\"plan\"} 1\n"))
            #expect(text.contains("\nsimfleet_sims{command=\"plan\",state=\"active\"} 2\n"), "\(text)")

            try "sims:\n  - {icc: \"1\", state: active}\n".write(to: dir.appendingPathComponent("manifests/example.yaml"), atomically: true, encoding: .utf8)
            let bad = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-file", "plan.prom"], in: dir)
            #expect(bad.status == 1)
            text = try String(contentsOf: dir.appendingPathComponent("plan.prom"), encoding: .utf8)
            #expect(text.contains("\nsimfleet_last_run_success{command=\"plan\"} 0\n"), "\(text)")
            #expect(!text.contains("simfleet_sims{"), "no counts from a plan that was not made")
        }
    }

    /// The step summary opens with the drift picture, broken down by a label.
    @Test func theStepSummaryOpensWithThePicture() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await Simfleet.run(["init", dir.path])
            let summary = dir.appendingPathComponent("summary.md")
            let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--group-by", "fleet"], in: dir,
                                          environment: ["GITHUB_STEP_SUMMARY": summary.path])
            #expect(result.status == 0)
            let text = try String(contentsOf: summary, encoding: .utf8)
            #expect(text.contains("### simfleet plan\n\n```mermaid\npie showData title Drift: "), "\(text.prefix(400))")
            #expect(text.contains("pie showData title Drift by fleet\n  \"example\" : "), "\(text.prefix(600))")
        }
    }
}

/// `--metrics-push`: one PUT of the text format to a Pushgateway (here a loopback stand-in),
/// grouped by job, instance and command; a refused URL is a usage error, a failed push a warning.
@Suite struct MetricsPushTests {
    final class Received: Sendable {
        let requests = Mutex<[LoopbackServer.Request]>([])
    }

    @Test func aRunPushesItsMetricsGroupedByJobInstanceAndCommand() async throws {
        let received = Received()
        try await LoopbackServer.serve({ request in
            received.requests.withLock { $0.append(request) }
            return LoopbackServer.Response(code: 200, body: "")
        }) { url in
            let plan = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-push", url, "--metrics-instance", "acme/fleet"])
            #expect(plan.status == 0, "\(plan.stderr)")
        }
        let pushed = try #require(received.requests.withLock { $0 }.first)
        #expect(pushed.method == "PUT")
        // acme/fleet and plan, base64url as the Pushgateway reads a value with a slash.
        #expect(pushed.uri == "/metrics/job/simfleet/instance@base64/YWNtZS9mbGVldA==/command@base64/cGxhbg==", "\(pushed.uri)")
        #expect(pushed.body.contains("\nsimfleet_last_run_success{command=\"plan\"} 1\n"), "\(pushed.body)")
    }

    @Test func aGatewayThatFailsIsAWarning() async throws {
        try await LoopbackServer.serve({ _ in LoopbackServer.Response(code: 500, body: "down") }) { url in
            let plan = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--metrics-push", url])
            #expect(plan.status == 0)
            #expect(plan.stderr.contains("warning: the Pushgateway answered 500 to the metrics push; the run's outcome stands"), "\(plan.stderr)")
        }
        let refused = try await Simfleet.run(["plan", "--simulator", "--metrics-push", "http://pushgateway.example:9091"])
        #expect(refused.status == 64 && refused.stderr.contains("--metrics-push must use https (plain http only to this machine)"), "\(refused.stderr)")
    }
}
