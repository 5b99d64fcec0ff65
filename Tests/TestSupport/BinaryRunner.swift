import Foundation
import Platform
import Synchronization

/// What a run of the built `simfleet` binary produced.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the `simfleet` executable that `swift test` built, the way a user would.
public enum Simfleet {
    /// The binary beside the test bundle, in the same build folder; `SIMFLEET_BINARY` names
    /// another build, to check that a regression test fails on the code before its fix.
    public static var executable: URL {
        if let other = ProcessInfo.processInfo.environment["SIMFLEET_BINARY"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.pathExtension == "xctest" || folder.lastPathComponent == "MacOS" {
            folder = folder.deletingLastPathComponent()
        }
        let beside = folder.appendingPathComponent("simfleet")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return Golden.packageRoot().appendingPathComponent(".build/debug/simfleet")
    }

    /// Runs simfleet with `arguments` in `directory` (the package root by default) and waits
    /// for it on a thread of its own, never the cooperative pool's: a test waiting for a
    /// child must not starve the tests that wait for events.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        stdin: String? = nil
    ) async throws -> RunResult {
        try await onOwnThread { try runBlocking(arguments, in: directory, environment: environment, stdin: stdin) }
    }

    private static func runBlocking(
        _ arguments: [String], in directory: URL?, environment: [String: String], stdin: String?
    ) throws -> RunResult {
        // A run that names no folder gets a scratch copy of the examples, so none leaves
        // `.simfleet/` (locks, journals, simulator state) in the checkout.
        let scratch = directory == nil ? Golden.scratchWithExamples() : nil
        defer { scratch.map { try? FileManager.default.removeItem(at: $0) } }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? scratch
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a full pipe cannot block the child.
        let collector = PipeCollector(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = collector.wait()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus,
                         stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
final class PipeCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A long-running `simfleet` process, such as the simulator, read line by line.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let errors = Pipe()

    /// A scratch copy of the examples, when no folder was named; removed at the end.
    private let scratch: URL?

    /// Starts simfleet and returns once it has printed its first line of standard output.
    public init(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws {
        scratch = directory == nil ? Golden.scratchWithExamples() : nil
        process.executableURL = Simfleet.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? scratch
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The first line the process printed, read byte by byte so nothing after it is consumed.
    public func firstLine() -> String {
        var bytes: [UInt8] = []
        let handle = output.fileHandleForReading
        while true {
            let data = handle.readData(ofLength: 1)
            guard let byte = data.first, byte != 0x0A else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Standard error read so far by `errorLine(containing:)`.
    private let errorsRead = Mutex<[UInt8]>([])

    /// Waits for the process to write a line holding `text` to standard error, and returns
    /// it; nil if the process closes standard error first. A wait for an event, not a time.
    public func errorLine(containing text: String) async -> String? {
        let handle = errors.fileHandleForReading
        return try? await onOwnThread { [self] in
            var line: [UInt8] = []
            while true {
                guard let byte = handle.readData(ofLength: 1).first else { return nil }
                self.errorsRead.withLock { $0.append(byte) }
                if byte != 0x0A { line.append(byte); continue }
                let found = String(decoding: line, as: UTF8.self)
                if found.contains(text) { return found }
                line = []
            }
        }
    }

    /// Waits for the exit (after a signal sent elsewhere); the exit status and standard error.
    public func wait() -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        process.waitUntilExit()
        let stderr = errorsRead.withLock { $0 } + errors.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, process.terminationReason, String(decoding: stderr, as: UTF8.self))
    }

    /// Sends `signal` and waits for the exit; returns the exit status and its standard error.
    public func stop(signal: Int32 = SIGTERM) -> (status: Int32, reason: Process.TerminationReason, stderr: String) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stderr = errorsRead.withLock { $0 } + errors.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, process.terminationReason, String(decoding: stderr, as: UTF8.self))
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        scratch.map { try? FileManager.default.removeItem(at: $0) }
    }
}
