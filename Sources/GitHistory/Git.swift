import Foundation
import Platform

/// Runs the `git` program with arguments, never through a shell, with an environment
/// that holds no credential (`ChildEnvironment`), and collects its output. Standard
/// input, output and error are fed and drained at once, so a large answer or a long list
/// of objects cannot fill a pipe and stall both sides.
///
/// Use it through `Repository`, which adds the hardening every call on a user's
/// repository needs; only `Repository.discover` runs it bare.
struct Git: Sendable {
    let executable: URL
    /// The environment simfleet was started with; children get `ChildEnvironment`'s share.
    let parentEnvironment: [String: String]

    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String

        var succeeded: Bool { status == 0 }
        /// The first line of standard output, trimmed.
        var line: String {
            String(decoding: stdout, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
    }

    /// Finds `git` on PATH, as a shell would, without running one.
    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(GitError) {
        parentEnvironment = environment
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let candidate = PathName.join(folder, "git")
            if access(candidate, X_OK) == 0 {
                executable = URL(fileURLWithPath: candidate)
                return
            }
        }
        throw .gitNotFound
    }

    /// A git that has not finished by then is stopped: a repository on a hung network
    /// file system, or a hostile one, must not hold a plan forever.
    static let defaultTimeout = Duration.seconds(300)
    /// Standard output read at most, unless a caller expects more (blobs of the history).
    static let defaultOutputLimit = 256 << 20

    /// Runs git in `directory` with `fixedEnvironment` set over the child's allowlist. It is
    /// stopped, and the call fails, past `timeout` or past `outputLimit` bytes of output.
    func run(_ arguments: [String], in directory: String, input: [UInt8] = [], fixedEnvironment: [String: String] = [:],
             timeout: Duration = defaultTimeout, outputLimit: Int = defaultOutputLimit) throws(GitError) -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true)
        // Never ask for credentials or take locks a concurrent git would trip over.
        process.environment = ChildEnvironment.make(from: parentEnvironment, fixed: fixedEnvironment.merging([
            "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat",
        ]) { first, _ in first })
        let (stdin, stdout, stderr) = (Pipe(), Pipe(), Pipe())
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        // Foundation's waitUntilExit polls a run loop on Linux, about 50 ms a process; the
        // termination handler is called as soon as the child is reaped.
        let exited = DispatchSemaphore(value: 0)
        let finished = Box()
        process.terminationHandler = { _ in
            finished.reason = "exited"
            exited.signal()
        }
        do {
            try process.run()
        } catch {
            // Foundation cannot start a program under an open-file limit much below 256.
            throw GitError("cannot start \(executable.path) (\(error.localizedDescription)), which simfleet needs to read the repository's history and break-glass holds; if the open-file limit is low (ulimit -n), raise it to 1024")
        }
        // Threads of their own, not Dispatch's pool: callers run several git processes at
        // once, and a pool whose threads all wait on pipes grows by one thread a second.
        let done = DispatchSemaphore(value: 0)
        let errorBox = Box()
        let writer = Thread {
            if !input.isEmpty { try? stdin.fileHandleForWriting.write(contentsOf: Data(input)) }
            try? stdin.fileHandleForWriting.close()
            done.signal()
        }
        let reader = Thread {
            errorBox.data = stderr.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        writer.start()
        reader.start()
        let stopped = Box()
        let child = process.processIdentifier
        let deadline = DispatchWorkItem {
            // Never a signal to a process that was reaped: its number may be someone else's.
            guard finished.reason == nil else { return }
            stopped.reason = "did not finish within \(timeout)"
            kill(child, SIGKILL)
        }
        let milliseconds = Int(timeout.components.seconds) * 1000 + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds), execute: deadline)
        // Read with read(2) to the end: past the bound the child is killed, and what it had
        // written is drained so nothing waits on a full pipe.
        var output: [UInt8] = []
        let descriptor = stdout.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if output.count <= outputLimit { output.append(contentsOf: buffer[..<count]) }
            if output.count > outputLimit && stopped.reason == nil {
                stopped.reason = "wrote more than \(outputLimit >> 20) MiB"
                if finished.reason == nil { kill(child, SIGKILL) }
            }
        }
        done.wait()
        done.wait()
        exited.wait()
        deadline.cancel()
        if let reason = stopped.reason {
            throw GitError("git \(arguments.first { !$0.hasPrefix("-") && !$0.contains("=") } ?? "") \(reason) and was stopped; nothing was sent")
        }
        return Output(status: process.terminationStatus, stdout: output,
                      stderr: String(decoding: errorBox.data.prefix(2000), as: UTF8.self))
    }

    private final class Box: @unchecked Sendable {
        var data = Data()
        private let lock = NSLock()
        private var stoppedBecause: String?
        /// Why git was stopped; the first reason stands.
        var reason: String? {
            get { lock.withLock { stoppedBecause } }
            set { lock.withLock { if stoppedBecause == nil { stoppedBecause = newValue } } }
        }
    }
}
