import Foundation
import Platform
import Synchronization

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
    /// `expectedOutput`: about how many bytes it will write, kept room for at once (no copy as it grows).
    func run(_ arguments: [String], in directory: String, input: [UInt8] = [], fixedEnvironment: [String: String] = [:],
             timeout: Duration = defaultTimeout, outputLimit: Int = defaultOutputLimit, expectedOutput: Int = 0) throws(GitError) -> Output {
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
        let reaped = Atomic<Bool>(false)
        process.terminationHandler = { _ in
            reaped.store(true, ordering: .sequentiallyConsistent)
            exited.signal()
        }
        do {
            try process.run()
        } catch {
            // Foundation cannot start a program under an open-file limit much below 256.
            throw GitError("cannot start \(executable.path) (\(error.localizedDescription)), which simfleet needs to read the repository's history and break-glass holds; if the open-file limit is low (ulimit -n), raise it to 1024")
        }
        let child = process.processIdentifier
        let inputHandle = stdin.fileHandleForWriting
        var exchange = PipeExchange(input: input, stdin: inputHandle.fileDescriptor, closeInput: { try? inputHandle.close() },
                                    stdout: stdout.fileHandleForReading.fileDescriptor, stderr: stderr.fileHandleForReading.fileDescriptor,
                                    outputLimit: outputLimit, deadline: ContinuousClock.now + timeout)
        exchange.reserve(min(expectedOutput, outputLimit + 1))
        // One thread feeds and drains all three pipes at once (poll), so neither side can
        // stall the other on a full pipe; past a bound the child is killed and drained.
        let stoppedBecause = exchange.run { reason in
            // Never a signal to a process that was reaped: its number may be someone else's.
            if !reaped.load(ordering: .sequentiallyConsistent) { kill(child, SIGKILL) }
            return reason == .tooLong ? "did not finish within \(timeout)" : "wrote more than \(outputLimit >> 20) MiB"
        }
        exited.wait()
        if let reason = stoppedBecause {
            throw GitError("git \(arguments.first { !$0.hasPrefix("-") && !$0.contains("=") } ?? "") \(reason) and was stopped; nothing was sent")
        }
        return Output(status: process.terminationStatus, stdout: exchange.output,
                      stderr: String(decoding: exchange.errors.prefix(2000), as: UTF8.self))
    }
}

/// Standard input written, and standard output and error read, by one thread with poll(2).
struct PipeExchange {
    enum Stop { case tooLong, tooMuch }

    let input: [UInt8]
    let stdin: Int32, stdout: Int32, stderr: Int32
    /// Closes standard input through its owner, so the descriptor is closed exactly once.
    let closeInput: () -> Void
    let outputLimit: Int
    let deadline: ContinuousClock.Instant
    private(set) var output: [UInt8] = []
    /// The first 64 KiB of standard error; the rest is drained.
    private(set) var errors: [UInt8] = []
    private var written = 0

    init(input: [UInt8], stdin: Int32, closeInput: @escaping () -> Void, stdout: Int32, stderr: Int32, outputLimit: Int, deadline: ContinuousClock.Instant) {
        (self.input, self.stdin, self.closeInput, self.stdout, self.stderr) = (input, stdin, closeInput, stdout, stderr)
        (self.outputLimit, self.deadline) = (outputLimit, deadline)
    }

    mutating func reserve(_ bytes: Int) {
        if bytes > 0 { output.reserveCapacity(bytes) }
    }

    /// Runs until both outputs end; `stop` is called once, on the first bound crossed, and
    /// returns the reason to report. Standard input is closed once written (or refused).
    mutating func run(stop: (Stop) -> String) -> String? {
        var stopped: String?
        var inputOpen = true
        if input.isEmpty { closeInput(); inputOpen = false } else { _ = fcntl(stdin, F_SETFL, fcntl(stdin, F_GETFL) | O_NONBLOCK) }
        var open = (out: true, err: true)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while open.out || open.err {
            var fds = [pollfd(fd: open.out ? stdout : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open.err ? stderr : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inputOpen ? stdin : -1, events: Int16(POLLOUT), revents: 0)]
            let left = deadline - ContinuousClock.now
            let milliseconds = stopped != nil ? 1000 : max(0, Int(left.components.seconds) * 1000 + Int(left.components.attoseconds / 1_000_000_000_000_000) + 1)
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(milliseconds, 60_000)))
            if ready < 0 && errno != EINTR { break }
            if stopped == nil && ContinuousClock.now >= deadline { stopped = stop(.tooLong) }
            if inputOpen && fds[2].revents != 0 {
                let count = input.withUnsafeBytes { bytes in Self.writeWithoutSIGPIPE(stdin, bytes.baseAddress! + written, input.count - written) }
                if count > 0 { written += count }
                if (count < 0 && errno != EAGAIN && errno != EINTR) || written == input.count {
                    closeInput()
                    inputOpen = false
                }
            }
            for (index, fd) in [(0, stdout), (1, stderr)] where fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    if index == 0 { open.out = false } else { open.err = false }
                    continue
                }
                if index == 1 {
                    if errors.count < 1 << 16 { errors.append(contentsOf: buffer[..<count]) }
                    continue
                }
                if output.count <= outputLimit { output.append(contentsOf: buffer[..<count]) }
                if output.count > outputLimit && stopped == nil { stopped = stop(.tooMuch) }
            }
        }
        if inputOpen { closeInput() }
        return stopped
    }

    /// A write to a pipe whose reader has gone fails with EPIPE instead of killing simfleet:
    /// SIGPIPE is blocked on this thread for the write, and one it raised is taken back.
    private static func writeWithoutSIGPIPE(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        var pipe = sigset_t(), old = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        let result = write(fd, bytes, count)
        if result < 0 && errno == EPIPE {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipe, nil, &zero)
            }
            errno = EPIPE
        }
        return result
    }
}

