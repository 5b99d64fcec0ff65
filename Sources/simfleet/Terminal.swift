import Foundation
import NexConClient
import Platform

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
