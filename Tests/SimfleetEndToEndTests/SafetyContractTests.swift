import Foundation
import TestSupport
import Testing

/// The safety contract, one test per way a hostile review broke it: the built binary
/// against the simulator binary (or a hostile loopback server), asserting on the call
/// log that nothing unsafe was sent. Each runs in its own folder with its own manifests.
@Suite struct SafetyContractTests {
    static let key = ApplyCommandTests.key
    typealias Sim = ApplyCommandTests.Sim

    static func run(_ arguments: [String], in dir: URL, stdin: String? = nil) async throws -> RunResult {
        try await Simfleet.run(arguments + ["--no-progress"], in: dir, environment: ["NEXCON_API_KEY": key], stdin: stdin)
    }

    /// A folder with a copy of the example manifests, and a plan of them saved as plan.json.
    static func plannedFolder(_ dir: URL, sim: Sim, extra: [String] = []) async throws -> URL {
        try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
        let planned = try await run(["plan", "--api-url", sim.url, "--out", "plan.json"] + extra, in: dir)
        #expect(planned.status == 0 || planned.status == 1, "\(planned.stderr)")
        return dir.appendingPathComponent("plan.json")
    }

    /// Every action call the simulator received, answered or not.
    static func actionsSent(_ sim: Sim) async throws -> [String] {
        try await sim.calls().compactMap { call in
            guard let path = call["path"] as? String, !path.hasSuffix("/status") else { return nil }
            return "\(call["icc"] ?? "") \(path.split(separator: "/").last!)"
        }
    }

    /// apply of the edited plan.json, allowed every termination, stops with `message` and sends nothing.
    static func expectEditedPlanRefused(_ sim: Sim, in dir: URL, saying message: String) async throws {
        let result = try await run(["apply", "plan.json", "--api-url", sim.url, "--allow-terminate", "all"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try await actionsSent(sim).isEmpty)
    }

    static func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    static func replace(_ old: String, with new: String, in url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    // 1. An old plan must not terminate a SIM the manifests now protect, nor can the file protect less.
    @Test func anOldPlanCannotTerminateAProtectedSIM() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            let plan = try await Self.plannedFolder(dir, sim: sim)
            let retired = dir.appendingPathComponent("manifests/retired.yaml")
            try Self.replace("    state: terminated\n    note: truck scrapped", with: "    state: terminated\n    protect: true\n    note: truck scrapped", in: retired)
            let protectedNow = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--allow-terminate", "89450100250731070380"], in: dir)
            #expect(protectedNow.status == 1)
            #expect(protectedNow.stderr.contains("sets protect: true and state: terminated, which no run can satisfy"), "\(protectedNow.stderr)")

            // With the manifests as planned, a terminate edited into the file for a protected SIM.
            try FileManager.default.removeItem(at: dir.appendingPathComponent("manifests"))
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            try Self.editJSON(plan) { json in
                var steps = json["steps"] as! [[String: Any]]
                var forged = steps.first { $0["action"] as? String == "terminate" }!
                forged["icc"] = "89450100250731070141" // truck-046, protect: true, state active
                forged["from"] = "active"
                forged["protect"] = false
                forged["refused"] = false
                steps.append(forged)
                json["steps"] = steps
            }
            try await Self.expectEditedPlanRefused(sim, in: dir, saying: "plan.json: error: step terminate 89450100250731070141 (active → terminated) does not lead from active to its desired state active in the manifests; plan again rather than editing the file. Nothing was sent.")
        }
    }

    // 2 and 10. The managed count comes from the manifests, and plan and apply count the blast radius alike.
    @Test func theBlastRadiusIsCountedFromTheManifestsByOneRule() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            // 2 blocks and 1 termination of 20 SIMs: over 12% with a minimum of 3, even with
            // the termination refused in the plan.
            try "blastRadius: {percent: 12, minimum: 3}\n".write(to: dir.appendingPathComponent("simfleet.yaml"), atomically: true, encoding: .utf8)
            let plan = try await Self.plannedFolder(dir, sim: sim)
            let shown = try await Self.run(["plan", "--api-url", sim.url], in: dir)
            #expect(shown.stdout.contains("3 disruptive steps (block, terminate) exceed 12% of 20 managed SIMs; apply will need --force"), "\(shown.stdout)")

            try Self.editJSON(plan) { json in
                var summary = json["summary"] as! [String: Any]
                summary["managed"] = 1_000_000
                json["summary"] = summary
                var radius = json["blastRadius"] as! [String: Any]
                radius["managed"] = 1_000_000
                radius["exceeded"] = false
                json["blastRadius"] = radius
            }
            let refused = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--allow-terminate", "89450100250731070380"], in: dir)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("3 disruptive steps (block, terminate) for 20 managed SIMs exceed the blast-radius limit"), "\(refused.stderr)")
            #expect(try await Self.actionsSent(sim).isEmpty)

            let forced = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--allow-terminate", "89450100250731070380", "--force"], in: dir)
            #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
            #expect(Set(try await sim.effectiveActions().keys) == ApplyCommandTests.expectedActions)
        }
    }

    // 3. A plan whose manifests have changed since is refused: decided in-process by
    // ApplyOperationTests.aPlanWhoseManifestsChangedIsRefusedWithNothingSent.

    // 4. One rule for per-SIM errors: saved and fresh plans apply the rest and exit 3.
    @Test(arguments: [true, false])
    func perSIMErrorsStopOnlyThatSIM(saved: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            // An ICC the account does not have: NexCon answers 404 for it.
            try """
                sims:
                  - icc: "89450100250730009991"
                    name: not-ours
                    state: active
                """.write(to: dir.appendingPathComponent("manifests/extra.yaml"), atomically: true, encoding: .utf8)
            let result: RunResult
            if saved {
                let plan = try await Self.run(["plan", "--api-url", sim.url, "--out", "plan.json"], in: dir)
                #expect(plan.status == 5, "planned, with a SIM that could not be")
                result = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--allow-terminate", "all"], in: dir)
            } else {
                result = try await Self.run(["apply", "manifests", "--auto-approve", "--api-url", sim.url, "--allow-terminate", "all"], in: dir)
            }
            #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("SIMs not planned, so nothing was sent for them:"))
            #expect(result.stdout.contains("manifests/extra.yaml:2:5: error: SIM 89450100250730009991 (not-ours): ICC not found in this account"), "\(result.stdout)")
            #expect(result.stdout.contains("Apply incomplete: 10 confirmed, 1 SIM not planned."), "\(result.stdout)")
            let effective = try await sim.effectiveActions()
            #expect(Set(effective.keys) == ApplyCommandTests.expectedActions)
        }
    }

    // 5. Targeting narrows a saved plan, and says so.
    @Test func targetingAppliesTheMatchingStepsOfASavedPlan() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            _ = try await Self.plannedFolder(dir, sim: sim)
            let none = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--target", "89450100250731070141"], in: dir)
            #expect(none.status == 1)
            #expect(none.stderr.contains("plan.json: error: no step of this plan matches the targets and labels given"), "\(none.stderr)")

            let narrowed = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--target", "89450100250731070513",
                                         "--target", "89450100250731070026", "--label", "fleet=retired", "--format", "json"], in: dir)
            #expect(narrowed.status == 0, "\(narrowed.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(narrowed.stdout.utf8)) as! [String: Any]
            #expect(report["narrowedFrom"] as? Int == 10)
            #expect((report["steps"] as? [Any])?.count == 2)
            #expect(try await sim.effectiveActions() == ["89450100250731070513 activate": 1, "89450100250731070513 block": 1])
            let text = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--target", "89450100250731070026"], in: dir)
            #expect(text.stdout.contains("Applied 1 of the plan's 10 steps: --target, --target-file and --label narrowed it."), "\(text.stdout)")
        }
    }

    // 6. A step listed twice is refused before anything is sent, without a crash.
    @Test func aRepeatedStepRefusesTheFile() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim()
            defer { _ = sim.process.stop() }
            let plan = try await Self.plannedFolder(dir, sim: sim)
            try Self.editJSON(plan) { json in
                var steps = json["steps"] as! [Any]
                steps.append(steps[0])
                json["steps"] = steps
            }
            try await Self.expectEditedPlanRefused(sim, in: dir, saying: "is listed twice, as step 1 and step 11; a step is sent at most once")
        }
    }

    // 7. A server that repeats the Authorization header never gets the key into any output.
    /// (Retries back off from 1 ms, by apply's hidden `--retry-base`, so the 500s cost no real time.)
    @Test func theKeyNeverLeaksThroughTheServersWords() async throws {
        let icc = ["89450100250730000016", "89450100250730000024", "89450100250730000032", "89450100250730000040", "89450100250730000057"]
        try await HostileServer.with({ path, sim, authorization in
            let echo = "request had Authorization: \(authorization)"
            if path.hasSuffix("/status") {
                switch sim {
                case icc[0]: return .init(code: 400, body: #"{"error":{"code":400,"message":"\#(echo)"}}"#)
                case icc[1]: return .init(code: 500, body: #"{"message":"\#(echo)"}"#)
                case icc[2]: return .init(code: 422, contentType: "text/plain", body: echo + "\u{1B}[2J")
                case icc[3]: return .init(code: 200, body: #"{"status":"\#(echo)"}"#)
                default: return .init(code: 200, body: #"{"status":"ACTIVATED","tags":["\#(echo)"],"countryCode":"\#(echo)"}"#)
                }
            }
            return .init(code: 409, body: #"{"error":{"code":409,"message":"\#(echo)"}}"#)
        }) { url in
            try await withTemporaryDirectory { dir in
                // The first status request goes alone and must succeed, so the healthy SIM leads.
                var yaml = "sims:\n"
                for (n, sim) in icc.enumerated().reversed() { yaml += "  - {icc: \"\(sim)\", state: blocked\(n == 4 ? ", expect: {countryCode: DK, tags: [x]}" : "")}\n" }
                try FileManager.default.createDirectory(at: dir.appendingPathComponent("manifests"), withIntermediateDirectories: true)
                try yaml.write(to: dir.appendingPathComponent("manifests/m.yaml"), atomically: true, encoding: .utf8)
                var outputs: [String] = []
                for format in ["text", "markdown", "json"] {
                    let plan = try await Self.run(["plan", "--api-url", url, "--format", format, "--out", "plan.json", "--retry-base", "1ms"], in: dir)
                    #expect(plan.status == 5)
                    outputs += [plan.stdout, plan.stderr, try String(contentsOf: dir.appendingPathComponent("plan.json"), encoding: .utf8)]
                }
                #expect(outputs[0].contains("NexCon answered 400: request had Authorization: bearer [redacted]"), "\(outputs[0])")
                #expect(outputs[0].contains("drift: expect.countryCode is 'DK', live is 'request had Authorization: bearer [redacted]'"))
                for format in ["text", "markdown", "json"] {
                    let apply = try await Self.run(["apply", "plan.json", "--api-url", url, "--journal", "j-\(format).jsonl", "--format", format, "--retry-base", "1ms"], in: dir)
                    #expect(apply.status == 3)
                    outputs += [apply.stdout, apply.stderr, try String(contentsOf: dir.appendingPathComponent("j-\(format).jsonl"), encoding: .utf8)]
                    let fresh = try await Self.run(["apply", "--auto-approve", "--api-url", url, "--journal", "f-\(format).jsonl", "--format", format, "--retry-base", "1ms"], in: dir)
                    #expect(fresh.status == 3)
                    outputs += [fresh.stdout, fresh.stderr, try String(contentsOf: dir.appendingPathComponent("f-\(format).jsonl"), encoding: .utf8)]
                }
                #expect(outputs[9].contains("NexCon refused it (409): request had Authorization: bearer [redacted]"), "\(outputs[9])")
                for output in outputs {
                    #expect(!output.contains(Self.key), "\(output)")
                    #expect(!output.contains("\u{1B}"), "a raw escape reached the output")
                }
            }
        }
    }

    // 8. Outside text cannot rewrite the screen, forge an annotation or break the markdown.
    @Test func outsideTextIsInertInEveryOutput() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("manifests"), withIntermediateDirectories: true)
            try #"""
                sims:
                  - icc: "89450100250731069754"
                    name: "truck\e[2J\e]8;;https://evil.example\a@ops-team\r\n| forged | row |"
                    state: blocked
                """#.write(to: dir.appendingPathComponent("manifests/m.yaml"), atomically: true, encoding: .utf8)
            let text = try await Self.run(["plan", "--simulator"], in: dir)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{07}") && !text.stdout.contains("\r"))
            #expect(text.stdout.contains(#"truck\u{1B}[2J\u{1B}]8;;https://evil.example\u{7}@ops-team\u{D}\u{A}| forged | row |"#), "\(text.stdout)")
            let markdown = try await Self.run(["plan", "--simulator", "--format", "markdown"], in: dir)
            let row = markdown.stdout.split(separator: "\n").filter { $0.contains("89450100250731069754") }
            #expect(!row.isEmpty, "\(markdown.stdout)")
            #expect(row.allSatisfy { $0.components(separatedBy: " | ").count == 5 })
            #expect(!markdown.stdout.contains("@ops-team") && markdown.stdout.contains("@&#8203;ops-team"))
            #expect(!markdown.stdout.contains("https://evil"))

            try #"""
                sims:
                  - icc: "89450100250731069754"
                    state: "x\r\n::error file=forged.yaml::forged"
                """#.write(to: dir.appendingPathComponent("manifests/m.yaml"), atomically: true, encoding: .utf8)
            let github = try await Simfleet.run(["validate", "--format", "github"], in: dir)
            #expect(github.status == 1)
            let lines = github.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.filter { $0.hasPrefix("::") }.count == 1, "\(github.stdout)")
            #expect(lines[0].hasPrefix("::error file=manifests/m.yaml,line=3,col=12,title=SF-STATE-UNKNOWN::unknown state 'x%0D%0A::error file=forged.yaml::forged'"), "\(lines[0])")
            let plain = try await Simfleet.run(["validate"], in: dir)
            #expect(!plain.stdout.contains("\r"))
        }
    }

    // 9. One apply at a time in a folder; the second says who holds the lock.
    @Test func aSecondApplyInTheSameFolderIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try Sim(["--job-duration", "60s"])
            defer { _ = sim.process.stop() }
            _ = try await Self.plannedFolder(dir, sim: sim)
            let journal = dir.appendingPathComponent("first.jsonl").path
            // One step: a step waiting for its job holds no connection, so several would start.
            let first = try RunningProcess(["apply", "plan.json", "--api-url", sim.url, "--target", "89450100250731070026", "--no-progress", "--journal", journal],
                                           in: dir, environment: ["NEXCON_API_KEY": Self.key])
            // The first apply waits a minute for its first job: it holds the lock meanwhile.
            let started = await FileEvents.wait(for: journal, toContain: "\"type\":\"response\"")
            #expect(started)
            let second = try await Self.run(["apply", "plan.json", "--api-url", sim.url], in: dir)
            _ = first.stop(signal: SIGKILL)
            #expect(second.status == 1)
            #expect(second.stderr.contains("error: another apply is running in this folder (pid \(first.process.processIdentifier), started 20"), "\(second.stderr)")
            #expect(second.stderr.contains("lock .simfleet/apply.lock); wait for it to finish. Nothing was sent."))
            #expect(try await Self.actionsSent(sim).count == 1, "only the first apply's one action")
            // Once the holder is gone, the lock is free again.
            let third = try await Self.run(["apply", "plan.json", "--api-url", sim.url, "--wait-timeout", "1s", "--target", "89450100250731070026"], in: dir)
            #expect(third.status != 1 || !third.stderr.contains("another apply"), "\(third.stderr)")
        }
    }
}
