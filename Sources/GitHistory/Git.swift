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
    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ChangedSinceError) {
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

    /// Runs git in `directory` with `fixedEnvironment` set over the child's allowlist.
    func run(_ arguments: [String], in directory: String, input: [UInt8] = [],
             fixedEnvironment: [String: String] = [:]) throws(ChangedSinceError) -> Output {
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
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            // Foundation cannot start a program under an open-file limit much below 256.
            throw ChangedSinceError("cannot start \(executable.path) (\(error.localizedDescription)), which simfleet needs to read the repository's history and break-glass holds; if the open-file limit is low (ulimit -n), raise it to 1024")
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
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        done.wait()
        exited.wait()
        return Output(status: process.terminationStatus, stdout: Array(output),
                      stderr: String(decoding: errorBox.data.prefix(2000), as: UTF8.self))
    }

    private final class Box: @unchecked Sendable {
        var data = Data()
    }
}
