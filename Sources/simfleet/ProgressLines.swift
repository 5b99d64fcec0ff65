import Foundation
import NexConClient
import Platform
import Reconciler
import Views

/// What the terminal can show.
enum Terminal {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static var colorOnStandardOutput: Bool {
        isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A progress line on standard error, for the status sweep and for apply alike: one line
/// redrawn on a terminal, or a new line every 10 s in a CI log, where redrawing shows as
/// noise. The clock is given so tests can drive it.
struct ProgressLine<C: Clock> where C.Duration == Duration {
    enum Mode {
        case redraw
        case periodic(Duration)
    }

    /// The line for the time elapsed.
    let describe: @Sendable (Duration) -> String
    let mode: Mode
    let clock: C
    let write: @Sendable (String) -> Void

    init(mode: Mode, clock: C, write: @escaping @Sendable (String) -> Void, describe: @escaping @Sendable (Duration) -> String) {
        self.mode = mode
        self.clock = clock
        self.write = write
        self.describe = describe
    }

    /// Apply's line.
    init(progress: ApplyProgress, mode: Mode, clock: C, write: @escaping @Sendable (String) -> Void) {
        self.init(mode: mode, clock: clock, write: write) { progress.snapshot.line(elapsed: $0) }
    }

    /// Runs until cancelled; on a terminal, then clears its line. Lines fall due at fixed
    /// times from `start`, so how late this task runs never changes how many are shown.
    func run(from start: C.Instant) async {
        let interval: Duration = switch mode {
        case .redraw: .milliseconds(200)
        case .periodic(let every): every
        }
        var due = start.advanced(by: interval)
        while !Task.isCancelled {
            do { try await clock.sleep(until: due, tolerance: nil) } catch { break }
            let line = describe(start.duration(to: clock.now))
            switch mode {
            case .redraw: write("\r\u{1B}[K" + line)
            case .periodic: write(line + "\n")
            }
            due = due.advanced(by: interval)
        }
        if case .redraw = mode { write("\r\u{1B}[K") }
    }
}

extension ProgressLine where C == ContinuousClock {
    /// The line on standard error, or nil with --no-progress.
    static func forStandardError(noProgress: Bool, interval: Duration = .seconds(10), describe: @escaping @Sendable (Duration) -> String) -> ProgressLine? {
        guard !noProgress else { return nil }
        return ProgressLine(mode: Terminal.standardErrorIsTerminal ? .redraw : .periodic(interval), clock: ContinuousClock(),
                            write: { Output.errorWithoutNewline($0) }, describe: describe)
    }

    /// Apply's line on standard error.
    static func forStandardError(_ progress: ApplyProgress, noProgress: Bool, interval: Duration = .seconds(10)) -> ProgressLine? {
        forStandardError(noProgress: noProgress, interval: interval) { progress.snapshot.line(elapsed: $0) }
    }

    /// The status sweep's line on standard error.
    static func forStandardError(_ progress: StatusSweep.Progress, noProgress: Bool, interval: Duration = .seconds(10)) -> ProgressLine? {
        forStandardError(noProgress: noProgress, interval: interval) {
            ProgressWording.sweep(done: progress.completed, total: progress.total, elapsed: $0)
        }
    }
}
