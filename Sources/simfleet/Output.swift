import Foundation
import Synchronization
import Operations
import SystemPackage

/// Writes to standard output and standard error without buffering surprises.
enum Output {
    static func write(_ bytes: [UInt8]) {
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func error(_ text: String) {
        errorWithoutNewline(text + "\n")
        captured.withLock { lines in
            if lines != nil && lines!.count < capturedLimit { lines!.append(text) }
        }
    }

    /// Error lines kept as well as printed, once `captureErrors()` was called: a pull
    /// request's comment shows them when simfleet stops before planning.
    private static let captured = Mutex<[String]?>(nil)
    static let capturedLimit = 200

    static func captureErrors() { captured.withLock { $0 = [] } }

    static var capturedErrors: [String] { captured.withLock { $0 ?? [] } }

    /// A failed write (a full disk, a closed pipe) is ignored: what was sent is in the
    /// journal, and the exit status still tells the outcome.
    static func errorWithoutNewline(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(Array(text.utf8))
    }
}

/// The process's console: standard output and error through `Output`, a progress line
/// redrawn on a terminal, questions on the terminal.
struct StandardConsole: Console {
    func write(_ bytes: [UInt8]) { Output.write(bytes) }
    func error(_ line: String) { Output.error(line) }
    func errorFragment(_ text: String) { Output.errorWithoutNewline(text) }
    func progressMode(interval: Duration) -> ProgressMode { Terminal.standardErrorIsTerminal ? .redraw : .periodic(interval) }
    var color: Bool { Terminal.colorOnStandardOutput }
    var canAsk: Bool { isatty(STDIN_FILENO) == 1 }

    func ask(_ question: String) -> String? {
        guard canAsk else { return nil }
        Output.error(question)
        return readLine()
    }
}

/// What the terminal can show.
enum Terminal {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static var colorOnStandardOutput: Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
