import Foundation
import TestSupport
import Testing

/// The process itself in a hostile environment: streams that cannot be written, files
/// saved on Windows.
@Suite struct HostileEnvironmentTests {
    /// Runs simfleet with standard output and error going to `sink` (a full disk, say).
    static func run(_ arguments: [String], in dir: URL, sink: String, environment: [String: String] = [:],
                    executable: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = executable.map(URL.init(fileURLWithPath:)) ?? Simfleet.executable
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = try #require(FileHandle(forWritingAtPath: sink))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by signal \(process.terminationStatus)")
        return process.terminationStatus
    }

    @Test func aFullDiskOnStandardOutputAndErrorKeepsTheTrueExitStatus() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            #expect(try Self.run(["validate"], in: dir, sink: "/dev/full") == 0)
            try "sims: [{icc: '1', state: on}]\n".write(to: dir.appendingPathComponent("manifests/bad.yaml"), atomically: true, encoding: .utf8)
            #expect(try Self.run(["validate"], in: dir, sink: "/dev/full") == 1)
        }
    }

    @Test func anApplyWhoseReportCannotBeWrittenStillActsOnceAndSaysSoByItsExitStatus() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try ApplyCommandTests.Sim()
            defer { _ = sim.process.stop() }
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let status = try Self.run(["apply", "--auto-approve", "--api-url", sim.url, "--allow-terminate", "all", "--no-progress",
                                       "--journal", "j.jsonl"], in: dir, sink: "/dev/full", environment: ["NEXCON_API_KEY": ApplyCommandTests.key])
            #expect(status == 0)
            #expect(Set(try await sim.effectiveActions().keys) == ApplyCommandTests.expectedActions)
            let journal = try String(contentsOf: dir.appendingPathComponent("j.jsonl"), encoding: .utf8)
            #expect(journal.contains("\"type\":\"summary\""))
        }
    }

    @Test func aTargetFileSavedOnWindowsReadsAlike() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let targets = dir.appendingPathComponent("targets.txt")
            try Data([0xEF, 0xBB, 0xBF] + Array("89450100250731070026\r\n# stolen\r\n89450100250731069754\r\n".utf8)).write(to: targets)
            let result = try Simfleet.run(["plan", "--simulator", "--no-progress", "--target-file", targets.path], in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("89450100250731070026") && result.stdout.contains("89450100250731069754"))
            #expect(result.stdout.hasSuffix("Plan: 0 to activate, 1 to block, 1 to restore, 0 to terminate.\n"), "\(result.stdout)")
        }
    }
}

extension HostileEnvironmentTests {
    @Test func aJournalThatCannotBeWrittenSendsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try ApplyCommandTests.Sim()
            defer { _ = sim.process.stop() }
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let result = try Simfleet.run(["apply", "--auto-approve", "--api-url", sim.url, "--no-progress", "--journal", "/dev/full"],
                                          in: dir, environment: ["NEXCON_API_KEY": ApplyCommandTests.key])
            #expect(result.status == 1)
            #expect(result.stderr.contains("/dev/full: error: cannot write the journal: writing its header record failed"), "\(result.stderr)")
            #expect(result.stderr.contains("nothing was sent"))
            #expect(try await sim.effectiveActions().isEmpty)
        }
    }
}

extension HostileEnvironmentTests {
    /// `--parallelism 64` under `ulimit -n 64` once crashed in libdispatch; the pool now
    /// stays below the descriptors left.
    @Test func aTightDescriptorLimitSlowsTheSweepInsteadOfCrashingIt() async throws {
        try await withTemporaryDirectory { dir in
            let manifests = dir.appendingPathComponent("manifests")
            try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
            let yaml = "sims:\n" + TestICC.numbers(400).map { "  - {icc: \"\($0)\", state: active}\n" }.joined()
            try yaml.write(to: manifests.appendingPathComponent("many.yaml"), atomically: true, encoding: .utf8)
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", manifests.path, "--api-key", "k"])
            let url = String(simulator.firstLine().dropFirst("listening on ".count))
            defer { _ = simulator.stop() }
            let command = "ulimit -n 64; exec '\(Simfleet.executable.path)' plan --api-url \(url) --parallelism 64 --no-progress"
            let status = try Self.run(["-c", command], in: dir, sink: "/dev/null", environment: ["NEXCON_API_KEY": "k"], executable: "/bin/sh")
            #expect(status == 0)
        }
    }
}
