import Foundation
import Synchronization

/// Where an operation's words go. The executable's console writes to the process's
/// standard output and error; a test's keeps them. Text reaching it is already escaped
/// for the terminal by the operation (one helper: `TerminalText.escape`).
public protocol Console: Sendable {
    /// Bytes for standard output: a plan, a report.
    func write(_ bytes: [UInt8])
    /// One line for standard error: an error, a warning, a note.
    func error(_ line: String)
    /// Text for standard error without a newline, for a progress line.
    func errorFragment(_ text: String)
    /// How a progress line shows here: redrawn on a terminal, a line every `interval` in a log.
    func progressMode(interval: Duration) -> ProgressMode
    /// Whether the plan on standard output may be coloured.
    var color: Bool { get }
    /// Whether there is a terminal to ask on.
    var canAsk: Bool { get }
    /// Asks a question on the terminal and returns the answer; nil when there is none.
    func ask(_ question: String) -> String?
}

/// A console that keeps everything, for tests and for callers that show it elsewhere.
public final class RecordingConsole: Console {
    private let kept = Mutex<(output: [UInt8], errors: [String], answers: [String])>(([], [], []))
    private let interactive: Bool

    /// `answers` are given, in order, to questions; without `interactive` nothing is asked.
    public init(interactive: Bool = false, answers: [String] = []) {
        self.interactive = interactive
        kept.withLock { $0.answers = answers }
    }

    public func write(_ bytes: [UInt8]) { kept.withLock { $0.output += bytes } }
    public func error(_ line: String) { kept.withLock { $0.errors.append(line) } }
    public func errorFragment(_ text: String) {}
    public func progressMode(interval: Duration) -> ProgressMode { .periodic(interval) }
    public var color: Bool { false }
    public var canAsk: Bool { interactive }

    public func ask(_ question: String) -> String? {
        guard interactive else { return nil }
        return kept.withLock { $0.errors.append(question); return $0.answers.isEmpty ? "" : $0.answers.removeFirst() }
    }

    public var output: String { String(decoding: kept.withLock { $0.output }, as: UTF8.self) }
    public var errors: [String] { kept.withLock { $0.errors } }
}

/// How an operation that stopped ends: its exit status. What it said is on the console.
public struct OperationStopped: Error, Sendable, Equatable {
    public var exitStatus: Int32
    public init(exitStatus: Int32) { self.exitStatus = exitStatus }
    /// Stopped before anything was sent.
    public static let nothingSent = OperationStopped(exitStatus: 1)
}
