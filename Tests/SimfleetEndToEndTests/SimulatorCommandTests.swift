import Foundation
import TestSupport
import Testing

@Suite struct SimulatorCommandTests {
    @Test func servesTheManifestFleetAndSavesStateOnSIGTERM() async throws {
        try await withTemporaryDirectory { dir in
            let statePath = dir.appendingPathComponent("sim.json").path
            let simulator = try RunningProcess([
                "simulator", "--port", "0", "--seed-from-manifests", "manifests", "--state", statePath,
                "--job-duration", "0", "--api-key", "test-key",
            ])
            let line = simulator.firstLine()
            #expect(line.hasPrefix("listening on http://127.0.0.1:"))
            let base = String(line.dropFirst("listening on ".count))

            let status = try await send("\(base)/api/v1/simcard/status", body: #"{"icc":"89450100250731069754"}"#, key: "test-key")
            #expect(status.status == 200)
            #expect(try await send("\(base)/api/v1/simcard/status", body: #"{"icc":"89450100250731069754"}"#).status == 401)
            // A SIM of the example fleet that the derived mix leaves active.
            let sims = try await send("\(base)/_simulator/sims", method: "GET", key: "test-key").json["sims"] as? [[String: Any]] ?? []
            #expect(sims.count == 20)
            let active = try #require(sims.first { $0["status"] as? String == "ACTIVATED" }?["icc"] as? String)
            let block = try await send("\(base)/api/v1/simcard/block", body: #"{"icc":"\#(active)"}"#, key: "test-key")
            #expect(block.json["status"] as? String == "BLOCKED")

            let stopped = simulator.stop(signal: SIGTERM)
            #expect(stopped.reason == .exit)
            #expect(stopped.status == 0)
            let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath))) as? [String: Any]
            let savedSIMs = saved?["sims"] as? [[String: Any]] ?? []
            #expect(savedSIMs.first { $0["icc"] as? String == active }?["status"] as? String == "BLOCKED")
        }
    }

    @Test func badSeedFileIsReportedWithItsLocationAndNothingStarts() async throws {
        try await withTemporaryDirectory { dir in
            let seed = dir.appendingPathComponent("seed.yaml")
            try "- {icc: \"89450100250731069755\", status: ACTIVATED}\n- {icc: \"89450100250731069812\", colour: red}\n"
                .write(to: seed, atomically: true, encoding: .utf8)
            let result = try await Simfleet.run(["simulator", "--port", "0", "--seed", seed.path])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(seed.path):1:9: error: ICC '89450100250731069755' fails its Luhn check: the last digit should be 4, not 5"))
            #expect(result.stderr.contains("\(seed.path):2:33: error: unknown key 'colour' in a SIM record"))
        }
    }

    @Test(arguments: [["--drop-rate", "2"], ["--job-duration", "soon"], ["--rate-limit", "0"]])
    func badOptionsAreUsageErrors(arguments: [String]) async throws {
        let result = try await Simfleet.run(["simulator", "--port", "0"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(arguments[0]))
    }
}

extension SimulatorCommandTests {
    /// Thousands of bad seed records print a page and a count, not every one.
    @Test func seedErrorsArePrintedAPageAtATime() async throws {
        try await withTemporaryDirectory { dir in
            let seed = dir.appendingPathComponent("seed.json")
            let records = (0..<3_000).map { #"{"icc":"12345\#($0)","status":"ACTIVATED"}"# }.joined(separator: ",")
            try Data("[\(records)]".utf8).write(to: seed)
            let run = try await Simfleet.run(["simulator", "--port", "0", "--seed", seed.path], in: dir)
            #expect(run.status == 1)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count <= 53, "\(lines.count) lines")
            #expect(run.stderr.contains("... and 2,950 more; fix these first and run again to see the rest") || run.stderr.contains("... and 2950 more"), "\(run.stderr.suffix(300))")
            #expect(run.stderr.contains("3,000 errors in all in the seeds; the simulator did not start."), "\(run.stderr.suffix(300))")
        }
    }
}
