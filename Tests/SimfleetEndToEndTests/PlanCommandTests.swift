import Foundation
import TestSupport
import Testing

/// `simfleet plan`, the built binary, against the simulator binary on loopback.
@Suite struct PlanCommandTests {
    static let key = "e2e-secret-key-7f3a9c"

    /// Starts `simfleet simulator` seeded from the example manifests.
    static func simulator(_ options: [String] = []) throws -> (RunningProcess, String) {
        let process = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests",
                                          "--job-duration", "0", "--api-key", key] + options)
        let line = process.firstLine()
        return (process, String(line.dropFirst("listening on ".count)))
    }

    static func plan(_ url: String, _ arguments: [String] = [], in directory: URL? = nil, key: String = key) async throws -> RunResult {
        try await Simfleet.run(["plan", "--api-url", url, "--no-progress"] + arguments, in: directory, environment: ["NEXCON_API_KEY": key])
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// The binary reads the proxy variables: one it cannot use stops the run before any
    /// request, named without its credentials; a missing --ca-file likewise.
    @Test(arguments: [
        (["HTTPS_PROXY": "socks5://ops:hunter2@proxy.corp:1080"], [], "HTTPS_PROXY: a 'socks5' proxy is not supported"),
        (["https_proxy": "http://ops:hunter2@proxy.corp:99999"], [], "https_proxy: the port must be between 1 and 65535"),
        ([:], ["--ca-file", "/nonexistent/corp-ca.pem"], "--ca-file /nonexistent/corp-ca.pem cannot be read as PEM certificates"),
    ] as [([String: String], [String], String)])
    func unusableNetworkSettingsStopBeforeAnyRequest(environment: [String: String], flags: [String], problem: String) async throws {
        let result = try await Simfleet.run(["plan", "--api-url", "https://nexcon.invalid", "--no-progress"] + flags,
                                            environment: environment.merging(["NEXCON_API_KEY": Self.key]) { $1 })
        #expect(result.status == 1)
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(result.stderr.contains("fix or unset them. Nothing was sent."))
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
    }

    @Test func faultsDoNotChangeThePlan() async throws {
        try await withTemporaryDirectory { dir in
            let (clean, cleanURL) = try Self.simulator()
            let expected = try await Self.plan(cleanURL, ["--format", "json"])
            _ = clean.stop()
            #expect(expected.status == 0)

            let (faulty, faultyURL) = try Self.simulator(["--fail-rate", "0.15", "--drop-rate", "0.1", "--rate-limit", "40", "--random-seed", "11"])
            let planFile = dir.appendingPathComponent("plan.json").path
            let actual = try await Self.plan(faultyURL, ["--format", "json", "--out", planFile])
            let calls = try await send("\(faultyURL)/_simulator/calls", method: "GET", key: Self.key).json["calls"] as? [[String: Any]] ?? []
            _ = faulty.stop()
            #expect(actual.status == 0, "\(actual.stderr)")

            let (want, got) = (Self.json(expected.stdout), Self.json(actual.stdout))
            for key in ["steps", "sims", "summary", "errors", "manifestDigest"] {
                #expect(NSDictionary(dictionary: want).value(forKey: key) as? NSObject == NSDictionary(dictionary: got).value(forKey: key) as? NSObject, "\(key) differs")
            }
            // The faults really happened and were retried.
            #expect(calls.contains { $0["code"] as? Int == 500 })
            #expect(calls.contains { $0["code"] is NSNull })
            // The saved plan is the JSON plan.
            #expect(try String(contentsOfFile: planFile, encoding: .utf8) == actual.stdout)
            // The key is nowhere in what simfleet wrote.
            for text in [actual.stdout, actual.stderr, try String(contentsOfFile: planFile, encoding: .utf8)] {
                #expect(!text.contains(Self.key))
            }
        }
    }

    @Test func textPlanOfTheExampleFleet() async throws {
        let (simulator, url) = try Self.simulator()
        defer { _ = simulator.stop() }
        let result = try await Self.plan(url)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Live status read from the NexCon API at \(url).\n"))
        #expect(result.stdout.contains("  ~ block     89450100250731070026  truck-045"))
        #expect(result.stdout.contains("REFUSED, not allowed: run apply with --allow-terminate 89450100250731070380 (the terminate workflow)"))
        #expect(!result.stdout.contains("truck-013"), "protected and already in its state")
        #expect(result.stdout.hasSuffix("Plan: 3 to activate, 2 to block, 4 to restore, 1 to terminate (1 refused).\n"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when not on a terminal")
        #expect(!result.stdout.contains(Self.key) && !result.stderr.contains(Self.key))

        let detailed = try await Self.plan(url, ["--detailed-exitcode"])
        #expect(detailed.status == 2)
        let allowed = try await Self.plan(url, ["--allow-terminate", "89450100250731070380", "--format", "markdown"])
        #expect(allowed.stdout.contains("| `89450100250731070380` | truck-012 | blocked → terminated | 3 | truck scrapped 2026-10, ticket OPS-1188 |"))
        // The manifest's note reaches the JSON too.
        let json = await Self.json(try Self.plan(url, ["--format", "json"]).stdout)
        #expect((json["steps"] as? [[String: Any]] ?? []).contains { $0["icc"] as? String == "89450100250731070026" && $0["manifestNote"] as? String == "stolen 2026-11-02, ticket OPS-1234" })
    }

    @Test func targetingPlansASubset() async throws {
        let (simulator, url) = try Self.simulator()
        defer { _ = simulator.stop() }
        let byLabel = await Self.json(try Self.plan(url, ["--label", "fleet=trucks", "--label", "depot=odense", "--format", "json"]).stdout)
        // The plan covers 2 SIMs, says it is partial, and the blast radius still counts all 20.
        #expect((byLabel["sims"] as? [Any])?.count == 2)
        #expect((byLabel["summary"] as? [String: Any])?["managed"] as? Int == 20)
        let scope = byLabel["scope"] as? [String: Any] ?? [:]
        #expect(scope["partial"] as? Bool == true && scope["unselected"] as? Int == 18)
        let text = try await Self.plan(url, ["--label", "fleet=trucks", "--label", "depot=odense"])
        #expect(text.stdout.contains("\nPartial plan: only SIMs matching labels depot=odense, fleet=trucks; 18 other SIMs not checked.\n"))
        let markdown = try await Self.plan(url, ["--target", "89450100250731070026", "--format", "markdown"])
        #expect(markdown.stdout.contains("\n> Partial plan: only SIMs matching the 1 targeted ICC; 19 other SIMs not checked.\n"))
        let byICC = try await Self.plan(url, ["--target", "89450100250731070026", "--format", "json"])
        let steps = Self.json(byICC.stdout)["steps"] as? [[String: Any]] ?? []
        #expect(steps.map { $0["action"] as? String } == ["block"])
        let unknown = try await Self.plan(url, ["--target", "89450100250731070141", "--target", "89450100250731069820"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--target: error: ICC 89450100250731069820 is targeted but no manifest declares it"))
    }

    @Test func targetFileTakesOneICCALineAndReportsBadLines() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try Self.simulator()
            defer { _ = simulator.stop() }
            let good = dir.appendingPathComponent("good.txt")
            try "# stolen this week\n89450100250731070026\n\n89450100250731069754  # truck-042\n".write(to: good, atomically: true, encoding: .utf8)
            let result = try await Self.plan(url, ["--target-file", good.path, "--format", "json"])
            #expect((Self.json(result.stdout)["sims"] as? [Any])?.count == 2)
            let bad = dir.appendingPathComponent("bad.txt")
            try "89450100250731070026\n  8945010025073107002X\n".write(to: bad, atomically: true, encoding: .utf8)
            let refused = try await Self.plan(url, ["--target-file", bad.path])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("\(bad.path):2:3: error: ICC '8945010025073107002X' must be digits only"))
        }
    }

    @Test func badManifestsSendNothing() async throws {
        try await withTemporaryDirectory { dir in
            let manifest = dir.appendingPathComponent("fleet.yaml")
            try "sims:\n  - {icc: \"89450100250731069755\", state: active}\n".write(to: manifest, atomically: true, encoding: .utf8)
            let (simulator, url) = try Self.simulator()
            let result = try await Self.plan(url, [manifest.path])
            let calls = try await send("\(url)/_simulator/calls", method: "GET", key: Self.key).json["calls"] as? [Any] ?? []
            _ = simulator.stop()
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(manifest.path):2:11: error: ICC '89450100250731069755' fails its Luhn check"))
            #expect(result.stderr.contains("Nothing was sent"))
            #expect(calls.isEmpty)
        }
    }

    @Test func wrongKeyStopsAfterOneCallWithOneMessage() async throws {
        let (simulator, url) = try Self.simulator()
        let result = try await Self.plan(url, key: "not-the-key")
        let calls = try await send("\(url)/_simulator/calls", method: "GET", key: Self.key).json["calls"] as? [Any] ?? []
        _ = simulator.stop()
        #expect(result.status == 1)
        #expect(result.stderr == "error: NexCon refused the API key (401 Unauthorized): check NEXCON_API_KEY or the key file, and that the key is still valid\n")
        #expect(calls.count == 1)
        #expect(!result.stderr.contains("not-the-key"))
    }

    @Test(arguments: [
        (["--api-url", "http://api.example.com"], ["NEXCON_API_KEY": "k"], "uses plain http, which would send the API key in clear"),
        (["--api-url", "https://api.example.com"], [:], "no API key: set NEXCON_API_KEY, or pass --api-key-file FILE"),
    ] as [([String], [String: String], String)])
    func unsafeOrMissingConfigurationIsRefusedBeforeSending(arguments: [String], environment: [String: String], message: String) async throws {
        var env = environment
        if env["NEXCON_API_KEY"] == nil { env["NEXCON_API_KEY"] = "" }
        let result = try await Simfleet.run(["plan", "--no-progress"] + arguments, environment: env)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message))
    }

    @Test func embeddedSimulatorSaysSoInEveryFormat() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            for (format, marker) in [("text", "Made against the NexCon simulator at http://127.0.0.1:"),
                                     ("markdown", "> **Made against the NexCon simulator at http&#58;//127.0.0.1:"),
                                     ("json", #""kind":"simulator""#)] {
                let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--format", format], in: dir)
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains(marker))
            }
            // The embedded simulator keeps its state for the next run.
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".simfleet/simulator.json").path))
        }
    }
}

/// `simfleet show` renders a saved plan exactly as plan printed it.
/// What plan leaves for CI: the step summary and workflow annotations.
@Suite struct CIOutputTests {
    @Test func theStepSummaryGetsTheFullMarkdownAppended() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try PlanCommandTests.simulator()
            defer { _ = simulator.stop() }
            let summary = dir.appendingPathComponent("summary.md")
            try Data("## an earlier step\n".utf8).write(to: summary)
            func plan(_ extra: [String] = [], summaryPath: String = summary.path) async throws -> RunResult {
                try await Simfleet.run(["plan", "--api-url", url, "--no-progress"] + extra,
                                 environment: ["NEXCON_API_KEY": PlanCommandTests.key, "GITHUB_STEP_SUMMARY": summaryPath])
            }
            let result = try await plan(["--format", "json"])
            #expect(result.status == 0)
            let written = try String(contentsOf: summary, encoding: .utf8)
            #expect(written.hasPrefix("## an earlier step\n\n<!-- simfleet:plan -->\n### simfleet plan\n"))
            #expect(written.contains("| `89450100250731070026` | truck-045 | active → blocked | 1 | stolen 2026-11-02, ticket OPS-1234 |"))
            #expect(!written.contains(PlanCommandTests.key))

            await #expect(try plan(["--no-step-summary"]).status == 0)
            #expect(try String(contentsOf: summary, encoding: .utf8) == written)

            // A summary already at GitHub's 1 MiB, and a path that is not a file, are warnings only.
            let full = dir.appendingPathComponent("full.md")
            try Data(repeating: 0x61, count: 1 << 20).write(to: full)
            let fullRun = try await plan(summaryPath: full.path)
            #expect(fullRun.status == 0)
            #expect(fullRun.stderr.contains("warning: not added to the step summary \(full.path): the summary is full (GitHub shows 1 MiB a step)"))
            #expect(try Data(contentsOf: full).count == 1 << 20)
            let fifo = dir.appendingPathComponent("fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let fifoRun = try await plan(summaryPath: fifo)
            #expect(fifoRun.status == 0)
            #expect(fifoRun.stderr.contains("warning: not added to the step summary \(fifo)"))
        }
    }

    /// Per-SIM errors land on the manifest line in the pull request, then the summary.
    @Test func planErrorsAreAnnotationsAtTheirManifestEntries() async throws {
        try await withTemporaryDirectory { dir in
            let (simulator, url) = try PlanCommandTests.simulator()
            defer { _ = simulator.stop() }
            let manifest = dir.appendingPathComponent("fleet.yaml")
            // truck-045 is live ACTIVATED in the simulator, and nothing makes it inactive again.
            try Data("version: 1\nsims:\n  - icc: \"89450100250731070026\"\n    name: \"truck,045: %0A::warning::x\"\n    state: inactive\n".utf8).write(to: manifest)
            let result = try await Simfleet.run(["plan", "--api-url", url, "--no-progress", "--format", "github", manifest.path],
                                          environment: ["NEXCON_API_KEY": PlanCommandTests.key])
            #expect(result.status == 5)
            #expect(result.stdout == """
                ::error file=\(manifest.path),line=5,col=12::SIM 89450100250731070026 (truck,045: %250A::warning::x): it is active and NexCon has no call that makes a SIM inactive again; choose blocked instead
                Live status read from the NexCon API at \(url).
                No changes. 0 SIMs match their manifests. 1 error.

                """)
        }
    }
}

@Suite struct ShowCommandTests {
    @Test(arguments: ["text", "markdown", "json"])
    func showGivesTheSameBytesAsPlan(format: String) async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let plan = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--format", format, "--out", "plan.json"], in: dir)
            #expect(plan.status == 0, "\(plan.stderr)")
            // No key and no network: the environment has neither.
            let shown = try await Simfleet.run(["show", "plan.json", "--format", format], in: dir, environment: ["NEXCON_API_KEY": ""])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout == plan.stdout)
        }
    }

    @Test func aFileThatIsNotAPlanOrIsNewerGetsOneClearError() async throws {
        try await withTemporaryDirectory { dir in
            try "{\"formatVersion\": 9}".write(to: dir.appendingPathComponent("new.json"), atomically: true, encoding: .utf8)
            let newer = try await Simfleet.run(["show", "new.json"], in: dir)
            #expect(newer.status == 1)
            #expect(newer.stderr == "new.json: error: plan format 9 was written by a newer simfleet; this one reads format 5: upgrade simfleet, or plan again with this one\n")
            try "steps: []".write(to: dir.appendingPathComponent("x.json"), atomically: true, encoding: .utf8)
            let other = try await Simfleet.run(["show", "x.json"], in: dir)
            #expect(other.status == 1 && other.stderr.hasPrefix("x.json: error: not a simfleet plan"))
        }
    }
}
