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
            let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--target-file", targets.path], in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("89450100250731070026") && result.stdout.contains("89450100250731069754"))
            #expect(result.stdout.hasSuffix("Plan: 0 to activate, 1 to block, 1 to restore, 0 to terminate.\n"), "\(result.stdout)")
        }
    }
}

extension HostileEnvironmentTests {
    /// A disk that fills before the journal's header is on it: `ulimit -f 0` makes every
    /// write to a regular file fail (EFBIG, with SIGXFSZ ignored), as a full disk would.
    @Test func aJournalThatCannotBeWrittenSendsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let sim = try ApplyCommandTests.Sim()
            defer { _ = sim.process.stop() }
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f 0; trap '' XFSZ; exec \"$0\" \"$@\"", Simfleet.executable.path,
                                 "apply", "--auto-approve", "--api-url", sim.url, "--no-progress", "--journal", "j.jsonl"]
            process.currentDirectoryURL = dir
            process.environment = ProcessInfo.processInfo.environment.merging(["NEXCON_API_KEY": ApplyCommandTests.key, "NO_COLOR": "1"]) { $1 }
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1)
            #expect(stderr.contains("j.jsonl: error: cannot write the journal: writing its header record failed"), "\(stderr)")
            #expect(stderr.contains("nothing was sent"))
            #expect(try await sim.effectiveActions().isEmpty)
        }
    }

    /// Planted files: a journal that exists, or is a link, and a `.simfleet` that is a link
    /// or a file, are refused before anything is sent.
    @Test(arguments: ["existing journal", "journal link", ".simfleet link", ".simfleet file"])
    func plantedFilesAreRefused(_ planted: String) async throws {
        try await withTemporaryDirectory { dir in
            let sim = try ApplyCommandTests.Sim()
            defer { _ = sim.process.stop() }
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let elsewhere = dir.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            var arguments = ["apply", "--auto-approve", "--api-url", sim.url, "--no-progress"]
            var message = ""
            switch planted {
            case "existing journal":
                try Data("earlier\n".utf8).write(to: dir.appendingPathComponent("j.jsonl"))
                arguments += ["--journal", "j.jsonl"]
                message = "cannot open the journal j.jsonl (it already exists, and a journal is created new for each run (never appended to, never through a link); pass --journal with a new file name, or leave --journal out: each run then names its own under .simfleet/journal/ by its start time)"
            case "journal link":
                try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("j.jsonl").path, withDestinationPath: elsewhere.appendingPathComponent("x").path)
                arguments += ["--journal", "j.jsonl"]
                message = "cannot open the journal j.jsonl (it already exists"
            case ".simfleet link":
                try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(".simfleet").path, withDestinationPath: elsewhere.path)
                message = ".simfleet is a link; simfleet keeps its lock, journals and simulator state there and will not follow it elsewhere"
            default:
                try Data().write(to: dir.appendingPathComponent(".simfleet"))
                message = ".simfleet is not a folder"
            }
            let result = try await Simfleet.run(arguments, in: dir, environment: ["NEXCON_API_KEY": ApplyCommandTests.key])
            #expect(result.status == 1, "\(result.stdout)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(try await sim.effectiveActions().isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "nothing was written through the link")
            if planted == "existing journal" {
                #expect(try String(contentsOf: dir.appendingPathComponent("j.jsonl"), encoding: .utf8) == "earlier\n")
            }
        }
    }

    /// `--out` onto a device or a FIFO would replace it (as root, /dev/null itself).
    @Test func theOutputIsNeverASpecialFile() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            let fifo = dir.appendingPathComponent("plan.json").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--out", fifo], in: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(fifo): error: cannot save the plan (it is not a regular file (a device, a FIFO or a folder); name a regular file to write)"), "\(result.stderr)")
            var info = stat()
            #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still there")
            // A device node of our own (as root, as CI runs), never the real /dev/null: a
            // simfleet with this bug would replace it for the whole machine.
            let device = dir.appendingPathComponent("null").path
            if mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 { // major 1, minor 3: a null device
                let result = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--out", device], in: dir)
                #expect(result.status == 1)
                #expect(lstat(device, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "the device node is still there")
            }
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
