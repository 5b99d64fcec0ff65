import FleetModel
import Foundation
import TestSupport
import Testing

/// `simfleet import`, the built binary against the simulator binary.
@Suite struct ImportCommandTests {
    static let key = "import-key-93b1"
    static func icc(_ n: Int) -> String { TestICC.number(n).digits }

    /// SIMs 0-3 in each settled status, 4 with a job running, 5 in a status nobody mapped,
    /// 6 with a product name that tries to break out of its YAML comment; 9 does not exist.
    static func simulator(in dir: URL) throws -> (RunningProcess, String) {
        let statuses = ["ACTIVATED", "BLOCKED", "INACTIVE", "TERMINATED", "ACTIVATING", "SUSPENDED_BY_OPERATOR", "ACTIVATED"]
        let records = statuses.enumerated().map { n, status in
            let product = n == 6 ? "Evil\\nsims:\\n  - icc: \\\"x\\\" # \\u001b[31m" : "IoT Nordic 1GB"
            return "{\"icc\": \"\(icc(n))\", \"status\": \"\(status)\", \"msisdn\": \"+45 2012 34\(n)\(n)\", \"product\": {\"id\": 12, \"name\": \"\(product)\"}}"
        }
        let seed = dir.appendingPathComponent("seed.json")
        try Data(("[" + records.joined(separator: ",") + "]").utf8).write(to: seed)
        let process = try RunningProcess(["simulator", "--port", "0", "--seed", seed.path, "--job-duration", "0", "--api-key", key], in: dir)
        return (process, String(process.firstLine().dropFirst("listening on ".count)))
    }

    static func run(_ arguments: [String], url: String, in dir: URL) async throws -> RunResult {
        try await Simfleet.run(arguments + ["--api-url", url, "--no-progress"], in: dir, environment: ["NEXCON_API_KEY": key])
    }

    static func statusCalls(_ url: String) async throws -> Int {
        let calls = try await send("\(url)/_simulator/calls", method: "GET", key: key).json["calls"] as? [[String: Any]] ?? []
        return calls.count
    }

    @Test func importedManifestValidatesAndPlansNoChanges() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let imported = try await Self.run(["import", "--out", "fleet/imported.yaml"] + (0..<7).map(Self.icc) + [Self.icc(9)], url: url, in: dir)
            #expect(imported.status == 1)
            #expect(imported.stderr.contains("Imported 5 SIMs to fleet/imported.yaml."))
            #expect(imported.stderr.contains("Left out 3 SIMs:\n"))
            #expect(imported.stderr.contains("  \(Self.icc(4)): a job is in progress (live status ACTIVATING); import it again when it has ended\n"))
            #expect(imported.stderr.contains("  \(Self.icc(5)): unrecognised live status 'SUSPENDED_BY_OPERATOR'; map it under 'statusMap:'"))
            #expect(imported.stderr.contains("  \(Self.icc(9)): not found in this account"))
            let text = try String(contentsOf: dir.appendingPathComponent("fleet/imported.yaml"), encoding: .utf8)
            #expect(text.contains("  - icc: \"\(Self.icc(0))\"\n    state: active  # MSISDN ending 3400, IoT Nordic 1GB\n"))
            #expect(text.contains("  - icc: \"\(Self.icc(3))\"\n    state: terminated  # MSISDN ending 3433, IoT Nordic 1GB\n"))
            #expect(!text.contains("2012"), "only the last four digits")
            #expect(!text.contains("\u{1B}"))
            #expect(!text.contains(Self.key))

            // The promise: it validates, and a plan over it changes nothing.
            let validate = try await Simfleet.run(["validate", "fleet"], in: dir)
            #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
            #expect(validate.stdout.contains("Valid: 5 SIMs"))
            let plan = try await Self.run(["plan", "fleet", "--detailed-exitcode"], url: url, in: dir)
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("No changes. 5 SIMs match their manifests."))

            // A second import of the same SIMs skips them all and writes nothing.
            let again = try await Self.run(["import", "--out", "fleet/again.yaml", "--manifests", "fleet", Self.icc(0), Self.icc(1)], url: url, in: dir)
            #expect(again.status == 0)
            #expect(again.stderr.contains("note: ICC \(Self.icc(0)) is already declared at fleet/imported.yaml:"))
            #expect(again.stderr.contains("Nothing to import"))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("fleet/again.yaml").path))
        }
    }

    @Test func csvWithQuotedFieldsAndNames() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let csv = "id,unit name,notes\n"
                + "\"\(Self.icc(0))\",\"truck, \"\"the big one\"\"\",\"two\nlines\"\n"
                + "\(Self.icc(1)),\"back\\\\slash: colon # not a comment\",x\n"
                + "\(Self.icc(0)),duplicate,x\n"
                + "\(Self.icc(2)),,x\n"
            try Data(csv.utf8).write(to: dir.appendingPathComponent("sims.csv"))
            let result = try await Self.run(["import", "--csv", "sims.csv", "--column", "id", "--name-column", "unit name", "--out", "out.yaml"], url: url, in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            let validate = try await Simfleet.run(["validate", "out.yaml", "--format", "json"], in: dir)
            #expect(validate.status == 0)
            let plan = PlanCommandTests.json(try await Self.run(["plan", "out.yaml", "--format", "json"], url: url, in: dir).stdout)
            let names = (plan["sims"] as? [[String: Any]] ?? []).map { $0["name"] as? String }
            #expect(names == ["truck, \"the big one\"", "back\\\\slash: colon # not a comment", nil])
            #expect((plan["steps"] as? [Any])?.isEmpty == true)

            // A bad ICC names its line (after a field spanning two), a missing column lists the header; nothing is read.
            let calls = try await Self.statusCalls(url)
            try Data((csv + "\"8945\nbad\",x,y\n").utf8).write(to: dir.appendingPathComponent("bad.csv"))
            let bad = try await Self.run(["import", "--csv", "bad.csv", "--column", "id", "--out", "bad.yaml"], url: url, in: dir)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("bad.csv:7:1: error: column 'id': ICC '8945\\u{A}bad' must be digits only"), "\(bad.stderr)")
            let missing = try await Self.run(["import", "--csv", "sims.csv", "--column", "ICC", "--out", "bad.yaml"], url: url, in: dir)
            #expect(missing.stderr.contains("sims.csv:1:1: error: no column named 'ICC'; the header has 'id', 'unit name', 'notes'"))
            #expect(try await Self.statusCalls(url) == calls)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.yaml").path))
        }
    }

    @Test func neverOverwritesWithoutForce() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.simulator(in: dir)
            defer { _ = simulator.stop() }
            let out = dir.appendingPathComponent("out.yaml")
            try Data("# mine\n".utf8).write(to: out)
            // A fresh repository's empty manifests folder declares nothing, and is no error.
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("manifests"), withIntermediateDirectories: true)
            try Data("\(Self.icc(0))  # first\n\n# comment\n\(Self.icc(1))\n".utf8).write(to: dir.appendingPathComponent("iccs.txt"))
            let refused = try await Self.run(["import", "--icc-file", "iccs.txt", "--out", "out.yaml"], url: url, in: dir)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("out.yaml: error: this file exists; choose another --out, or pass --force to replace it"))
            #expect(try String(contentsOf: out, encoding: .utf8) == "# mine\n")
            #expect(try await Self.statusCalls(url) == 0)
            let forced = try await Self.run(["import", "--icc-file", "iccs.txt", "--out", "out.yaml", "--force"], url: url, in: dir)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(try String(contentsOf: out, encoding: .utf8).contains("state: blocked"))
        }
    }
}
