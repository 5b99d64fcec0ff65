import Foundation
import TestSupport
import Testing

/// `simfleet apply`, the built binary, against the simulator binary with short jobs.
@Suite struct ApplyCommandTests {
    static let key = "apply-secret-key-51c0de"

    struct Sim {
        let process: RunningProcess
        let url: String

        init(_ options: [String] = []) throws {
            process = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests",
                                          "--job-duration", "200ms", "--api-key", ApplyCommandTests.key] + options)
            url = String(process.firstLine().dropFirst("listening on ".count))
        }

        func calls() async throws -> [[String: Any]] {
            try await send("\(url)/_simulator/calls", method: "GET", key: ApplyCommandTests.key).json["calls"] as? [[String: Any]] ?? []
        }

        /// How many times each (ICC, action) took effect: accepted with a job, or applied before a drop.
        func effectiveActions() async throws -> [String: Int] {
            EffectiveActions.count(json: try await calls())
        }
    }

    static func run(_ arguments: [String], in directory: URL? = nil) async throws -> RunResult {
        try await Simfleet.run(arguments + ["--no-progress"], in: directory, environment: ["NEXCON_API_KEY": key])
    }

    /// The actions the example fleet needs against the derived live states.
    static let expectedActions = ExampleFleet.expectedActions

    @Test func mixedPlanConvergesWithEachActionExactlyOnce() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            let plan = dir.appendingPathComponent("plan.json").path
            let journal = dir.appendingPathComponent("journal.jsonl").path
            #expect(try await Self.run(["plan", "--api-url", sim.url, "--out", plan]).status == 0)

            let apply = try await Self.run(["apply", plan, "--api-url", sim.url, "--allow-terminate", "89450100250731070380",
                                      "--journal", journal, "--format", "json"])
            #expect(apply.status == 0, "\(apply.stderr)")
            let report = (try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any]) ?? [:]
            let summary = report["summary"] as? [String: Int] ?? [:]
            #expect(summary["confirmed"] == 10 && summary["refused"] == 0 && summary["failed"] == 0)

            // Afterwards plan reports no changes.
            let after = try await Self.run(["plan", "--api-url", sim.url])
            #expect(after.status == 0)
            #expect(after.stdout.hasSuffix("No changes. 20 SIMs match their manifests.\n"), "\(after.stdout)")

            let effective = try await sim.effectiveActions()
            #expect(Set(effective.keys) == Self.expectedActions)
            #expect(effective.values.allSatisfy { $0 == 1 })

            // The journal tells the same story, and never the key.
            let text = try String(contentsOfFile: journal, encoding: .utf8)
            #expect(!text.contains(Self.key) && !apply.stdout.contains(Self.key) && !apply.stderr.contains(Self.key))
            let records = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(records.first?["type"] as? String == "header")
            #expect((records.first?["target"] as? [String: Any])?["url"] as? String == sim.url)
            let intents = records.filter { $0["type"] as? String == "intent" }
            #expect(Set(intents.map { "\($0["icc"]!) \($0["action"]!)" }) == Self.expectedActions)
            let outcomes = records.filter { $0["type"] as? String == "outcome" }
            #expect(outcomes.count == 10)
            #expect(outcomes.filter { $0["outcome"] as? String == "confirmed" }.count == 10)
            #expect(records.last?["type"] as? String == "summary")
        }
    }

    @Test func staleStepsAreSkippedAndReported() async throws {
        try await withTemporaryDirectory { dir in
            // Jobs end at once: the outside actions below are done when their answers come.
            let sim = try Sim(["--job-duration", "0"])
            defer { _ = sim.process.stop() }
            let plan = dir.appendingPathComponent("plan.json").path
            #expect(try await Self.run(["plan", "--api-url", sim.url, "--out", plan]).status == 0)
            // truck-045 should be blocked by the plan; someone terminates it first.
            _ = try await send("\(sim.url)/api/v1/simcard/terminate", body: #"{"icc":"89450100250731070026"}"#, key: Self.key)
            // truck-044 should be activated; someone already did.
            _ = try await send("\(sim.url)/api/v1/simcard/activate", body: #"{"icc":"89450100250731069937"}"#, key: Self.key)
            let apply = try await Self.run(["apply", plan, "--api-url", sim.url, "--journal", dir.appendingPathComponent("j.jsonl").path])
            #expect(apply.status == 3)
            #expect(apply.stdout.contains("stale: block 89450100250731070026 (truck-045): changed since the plan was made: live state is terminated, the plan expected active; nothing sent, plan again"))
            #expect(apply.stdout.contains("1 already-done"))
            let effective = try await sim.effectiveActions()
            #expect(effective["89450100250731070026 block"] == nil)
            #expect(effective["89450100250731069937 activate"] == 1, "only the outside call")
        }
    }

    /// Killed after its first intent, and after the second wave's.
    @Test(arguments: [1, 9])
    func killedApplyConvergesOnTheNextRunWithoutDuplicates(killAfterIntents: Int) async throws {
        try await withTemporaryDirectory { dir in
            // Jobs of 2 s: after the intents counted, the run has at least one job (and a
            // wave after it) still to wait for, so the kill lands mid-run on a loaded machine.
            let sim = try Sim(["--job-duration", "2s"])
            defer { _ = sim.process.stop() }
            let plan = dir.appendingPathComponent("plan.json").path
            #expect(try await Self.run(["plan", "--api-url", sim.url, "--out", plan]).status == 0)
            let journal = dir.appendingPathComponent("first.jsonl").path
            let first = try RunningProcess(["apply", plan, "--api-url", sim.url, "--allow-terminate", "all", "--parallelism", "2",
                                            "--no-progress", "--journal", journal], environment: ["NEXCON_API_KEY": Self.key])
            // Killed from the watching thread the moment the journal shows the intents.
            let pid = first.process.processIdentifier
            let reached = await FileEvents.wait(for: journal, toContain: "\"type\":\"intent\"", count: killAfterIntents) { kill(pid, SIGKILL) }
            #expect(reached)
            let killed = first.stop(signal: SIGKILL)
            #expect(killed.reason == .uncaughtSignal)

            // plan shows what remains; apply finishes it.
            let second = try await Self.run(["apply", plan, "--api-url", sim.url, "--allow-terminate", "all",
                                       "--journal", dir.appendingPathComponent("second.jsonl").path])
            #expect(second.status == 0 && second.stdout.contains("Apply complete:"), "\(second.stdout)")
            let after = try await Self.run(["plan", "--api-url", sim.url])
            #expect(after.stdout.hasSuffix("No changes. 20 SIMs match their manifests.\n"), "\(after.stdout)")
            let effective = try await sim.effectiveActions()
            #expect(Set(effective.keys) == Self.expectedActions)
            #expect(effective.values.allSatisfy { $0 == 1 }, "\(effective)")
        }
    }

    @Test func firstSignalFinishesWhatIsInFlightAndReports() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim(["--job-duration", "1s"])
            defer { _ = sim.process.stop() }
            let journal = dir.appendingPathComponent("j.jsonl").path
            let apply = try RunningProcess(["apply", "manifests", "--auto-approve", "--api-url", sim.url, "--parallelism", "1",
                                            "--no-progress", "--journal", journal], environment: ["NEXCON_API_KEY": Self.key])
            let pid = apply.process.processIdentifier
            #expect(await FileEvents.wait(for: journal, toContain: "\"type\":\"intent\"") { kill(pid, SIGINT) })
            let stopped = apply.wait()
            #expect(stopped.status == 3)
            #expect(stopped.stderr.contains("Stopping: no new steps"))
            let text = try String(contentsOfFile: journal, encoding: .utf8)
            let records = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let summary = records.last { $0["type"] as? String == "summary" }
            #expect(summary?["interrupted"] as? Bool == true)
            #expect((summary?["skipped"] as? Int ?? 0) > 0)
            // The step in flight was seen through to its end.
            #expect(records.filter { $0["type"] as? String == "intent" }.count == records.filter { $0["type"] as? String == "outcome" && $0["outcome"] as? String == "confirmed" }.count)
        }
    }

    /// On a terminal, apply asks, and only "yes" sends anything. `script` gives it a terminal.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")), arguments: [("no", false), ("yes", true)])
    func approvalOnATerminal(answer: String, sends: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            let command = "\(Simfleet.executable.path) apply manifests --no-progress --api-url \(sim.url) --journal \(dir.path)/j.jsonl"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", command, "/dev/null"]
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            process.currentDirectoryURL = dir
            process.environment = ProcessInfo.processInfo.environment.merging(["NEXCON_API_KEY": Self.key, "NO_COLOR": "1"]) { $1 }
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data("\(answer)\n".utf8))
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(text.contains("Apply these 9 steps? Only 'yes' will be accepted:"))
            let effective = try await sim.effectiveActions()
            if sends {
                #expect(text.contains("Apply complete but for terminations awaiting an allowance: 9 confirmed, 1 awaiting-termination."))
                #expect(effective.count == 9)
            } else {
                #expect(text.contains("Apply cancelled. Nothing was sent."))
                #expect(effective.isEmpty)
            }
        }
    }

    @Test func secondSignalExitsAtOnce() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim(["--job-duration", "30s"])
            defer { _ = sim.process.stop() }
            let journal = dir.appendingPathComponent("j.jsonl").path
            let apply = try RunningProcess(["apply", "manifests", "--auto-approve", "--api-url", sim.url, "--parallelism", "1",
                                            "--no-progress", "--journal", journal], environment: ["NEXCON_API_KEY": Self.key])
            #expect(await FileEvents.wait(for: journal, toContain: "\"type\":\"response\""))
            kill(apply.process.processIdentifier, SIGINT)
            // The first signal is taken in: the run keeps waiting for its 30 s job.
            let stopping = await apply.errorLine(containing: "Stopping: no new steps")
            #expect(stopping?.hasSuffix("Send the signal again to exit at once.") == true, "\(stopping ?? "standard error closed")")
            let stopped = apply.stop(signal: SIGINT)
            #expect(stopped.status == 130)
            #expect(stopped.stderr.contains("Stopped at once."))
        }
    }

    /// Without a terminal, apply prints a progress line every 10 s (here every 1 s, by a
    /// hidden option; `ApplyProgressTests` checks the schedule on a test clock). The job
    /// runs 4 s, so the step is still in flight when the first line is due.
    @Test func progressEveryTenSecondsInALog() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim(["--job-duration", "4s"])
            defer { _ = sim.process.stop() }
            let plan = dir.appendingPathComponent("plan.json").path
            #expect(try await Self.run(["plan", "--api-url", sim.url, "--target", "89450100250731070026", "--out", plan]).status == 0)
            let result = try await Simfleet.run(["apply", plan, "--api-url", sim.url, "--journal", dir.appendingPathComponent("a.jsonl").path,
                                           "--progress-interval", "1s"],
                                          environment: ["NEXCON_API_KEY": Self.key])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("Applying: wave 1/1 · 0/1 steps done · 1 in flight · 0.0/s · time left unknown\n"), "\(result.stderr)")
            #expect(!result.stderr.contains("\r"), "no redrawing in a log")
        }
    }

    @Test func guardsStopBeforeAnythingIsSent() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            // No terminal and no --auto-approve.
            let unapproved = try await Self.run(["apply", "manifests", "--api-url", sim.url])
            #expect(unapproved.status == 1)
            #expect(unapproved.stderr.contains("pass --auto-approve"))
            // Blast radius: 2 blocks and a termination that could be allowed, of 20 SIMs, is
            // over a 5% limit with a minimum of 1.
            let config = dir.appendingPathComponent("strict.yaml")
            try "blastRadius: {percent: 5, minimum: 1}\n".write(to: config, atomically: true, encoding: .utf8)
            let radius = try await Self.run(["apply", "manifests", "--auto-approve", "--api-url", sim.url, "--config", config.path])
            #expect(radius.status == 1)
            #expect(radius.stderr.contains("3 disruptive steps (block, terminate) for 20 managed SIMs exceed the blast-radius limit"))
            // A plan made against the simulator cannot go to a real API.
            let plan = dir.appendingPathComponent("sim-plan.json").path
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            #expect(try await Simfleet.run(["plan", "--simulator", "--no-progress", "--out", plan], in: dir).status == 0)
            let crossed = try await Self.run(["apply", plan, "--api-url", sim.url])
            #expect(crossed.status == 1)
            #expect(crossed.stderr.contains("sim-plan.json: error: the plan was made against the simulator; it cannot be applied to a real API"))
            let sent = try await sim.calls().filter { !($0["path"] as? String ?? "").hasSuffix("/status") }
            #expect(sent.isEmpty)
        }
    }
}
