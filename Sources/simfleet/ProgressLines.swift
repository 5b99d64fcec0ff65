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

/// A progress line on standard error while the sweep runs: done/total, rate and ETA.
struct ProgressLine {
    let progress: StatusSweep.Progress
    let label: String

    /// Redraws every 200 ms until cancelled, then clears the line.
    func run() async {
        let started = ContinuousClock.now
        while !Task.isCancelled {
            draw(elapsed: ContinuousClock.now - started)
            try? await Task.sleep(for: .milliseconds(200))
        }
        Output.errorWithoutNewline("\r\u{1B}[K")
    }

    private func draw(elapsed: Duration) {
        let done = progress.completed, total = progress.total
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : 0
        let percent = total > 0 ? done * 100 / total : 100
        let line = "\r\u{1B}[K\(label): \(done)/\(total) (\(percent)%) · \(Int(rate))/s · ETA \(eta)s"
        Output.errorWithoutNewline(line)
    }
}

/// Apply's progress on standard error: one line redrawn on a terminal, or a new line every
/// 10 s in a CI log, where redrawing shows as noise. The clock is given so tests can
/// drive it.
struct ApplyProgressLine<C: Clock> where C.Duration == Duration {
    enum Mode {
        case redraw
        case periodic(Duration)
    }

    let progress: ApplyProgress
    let mode: Mode
    let clock: C
    let write: @Sendable (String) -> Void

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
            let line = progress.snapshot.line(elapsed: start.duration(to: clock.now))
            switch mode {
            case .redraw: write("\r\u{1B}[K" + line)
            case .periodic: write(line + "\n")
            }
            due = due.advanced(by: interval)
        }
        if case .redraw = mode { write("\r\u{1B}[K") }
    }
}

extension ApplyProgressLine where C == ContinuousClock {
    /// The line apply shows, or nil with --no-progress.
    static func forStandardError(_ progress: ApplyProgress, noProgress: Bool, interval: Duration = .seconds(10)) -> ApplyProgressLine? {
        guard !noProgress else { return nil }
        return ApplyProgressLine(progress: progress, mode: Terminal.standardErrorIsTerminal ? .redraw : .periodic(interval),
                                 clock: ContinuousClock(), write: { Output.errorWithoutNewline($0) })
    }
}
