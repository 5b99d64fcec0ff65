import Foundation
import NexConClient
import Platform
import Reconciler
import Views

/// How a progress line shows: one line redrawn on a terminal, or a new line every
/// interval in a CI log, where redrawing shows as noise.
public enum ProgressMode: Sendable, Equatable {
    case redraw
    case periodic(Duration)
}

/// A progress line on standard error, for the status sweep and for apply alike. The clock
/// is given so tests can drive it.
public struct ProgressLine<C: Clock>: Sendable where C.Duration == Duration {
    /// The line for the time elapsed.
    let describe: @Sendable (Duration) -> String
    let mode: ProgressMode
    let clock: C
    let write: @Sendable (String) -> Void

    public init(mode: ProgressMode, clock: C, write: @escaping @Sendable (String) -> Void, describe: @escaping @Sendable (Duration) -> String) {
        self.mode = mode
        self.clock = clock
        self.write = write
        self.describe = describe
    }

    /// Apply's line.
    public init(progress: ApplyProgress, mode: ProgressMode, clock: C, write: @escaping @Sendable (String) -> Void) {
        self.init(mode: mode, clock: clock, write: write) { progress.snapshot.line(elapsed: $0) }
    }

    /// Runs until cancelled; on a terminal, then clears its line. Lines fall due at fixed
    /// times from `start`, so how late this task runs never changes how many are shown.
    public func run(from start: C.Instant) async {
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

/// Runs `body` with a progress line beside it on the console, if one is wanted.
func withProgressLine<T: Sendable>(_ settings: ProgressSettings, console: any Console, describe: @escaping @Sendable (Duration) -> String,
                                   _ body: () async throws -> T) async throws -> T {
    guard settings.shown else { return try await body() }
    let line = ProgressLine(mode: console.progressMode(interval: settings.interval), clock: ContinuousClock(),
                            write: { console.errorFragment($0) }, describe: describe)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await line.run(from: .now)
            return nil
        }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Whether a progress line is shown, and how often in a log.
public struct ProgressSettings: Sendable {
    public var shown = true
    public var interval = Duration.seconds(10)
    public init(shown: Bool = true, interval: Duration = .seconds(10)) {
        self.shown = shown
        self.interval = interval
    }
}
