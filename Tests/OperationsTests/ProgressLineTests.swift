import Clocks
import Reconciler
import Operations
import Synchronization
import TestSupport
import Testing
import Views

/// Apply's progress line, driven by a test clock: nothing here waits on real time.
@Suite(.timeLimit(.minutes(1))) struct ApplyProgressTests {
    @Test(arguments: [
        (ApplyProgress.Snapshot.make(done: 0, failed: 0, inFlight: 16, wave: 1), 10, "Applying: wave 1/3 · 0/500 steps done · 16 in flight · 0.0/s · time left unknown"),
        (.make(done: 120, failed: 3, inFlight: 16, wave: 2), 10, "Applying: wave 2/3 · 120/500 steps done · 3 not converged · 16 in flight · 12/s · 32s left"),
        (.make(done: 5, failed: 0, inFlight: 1, wave: 1), 2, "Applying: wave 1/3 · 5/500 steps done · 1 in flight · 2.5/s · 198s left"),
        (.make(done: 500, failed: 0, inFlight: 0, wave: 3), 50, "Applying: wave 3/3 · 500/500 steps done · 0 in flight · 10/s"),
    ])
    func theLine(_ snapshot: ApplyProgress.Snapshot, _ seconds: Int, _ expected: String) {
        #expect(snapshot.line(elapsed: .seconds(seconds)) == expected)
    }

    typealias Lines = Collected<String>

    /// Starts a line written every 10 s and passes its first due time: nothing by 9 s, one
    /// line by 11 s. TestClock lets a sleep that starts exactly at its deadline wait for the
    /// next advance, so each advance passes the deadlines it means by a second: however late
    /// the task runs, the count is the same.
    static func startPeriodic(_ line: ProgressLine<TestClock<Duration>>, clock: TestClock<Duration>, lines: Lines) async -> Task<Void, Never> {
        let start = clock.now
        let task = Task { await line.run(from: start) }
        await clock.advance(by: .seconds(9))
        #expect(lines.all.isEmpty)
        await clock.advance(by: .seconds(2))
        await lines.waitFor(count: 1)
        return task
    }

    /// In CI, one line every 10 s, each ending in a newline; none before the first 10 s.
    @Test func oneLineEveryTenSecondsWithoutATerminal() async throws {
        let clock = TestClock()
        let progress = ApplyProgress(total: 4, waves: 1)
        let lines = Lines()
        let line = ProgressLine(progress: progress, mode: .periodic(.seconds(10)), clock: clock, write: lines.append)
        let task = await Self.startPeriodic(line, clock: clock, lines: lines)
        #expect(lines.all == ["Applying: wave 0/1 · 0/4 steps done · 0 in flight · 0.0/s · time left unknown\n"])
        await clock.advance(by: .seconds(20))
        await lines.waitFor(count: 3)
        await clock.advance(by: .seconds(8))
        task.cancel()
        await task.value
        #expect(lines.all.count == 3, "due at 10, 20 and 30 s; none by 39 s, and no clearing sequence in a log")
    }

    /// On a terminal the line is redrawn in place and cleared at the end.
    @Test func redrawnInPlaceOnATerminal() async throws {
        let clock = TestClock()
        let lines = Lines()
        let line = ProgressLine(progress: ApplyProgress(total: 2, waves: 1), mode: .redraw, clock: clock, write: lines.append)
        let start = clock.now
        let task = Task { await line.run(from: start) }
        await clock.advance(by: .milliseconds(300))
        await lines.waitFor(count: 1)
        #expect(lines.all[0].hasPrefix("\r\u{1B}[KApplying: wave 0/1 · 0/2 steps done"))
        task.cancel()
        await task.value
        #expect(lines.all.last == "\r\u{1B}[K")
    }
}

extension ApplyProgress.Snapshot {
    static func make(done: Int, failed: Int, inFlight: Int, wave: Int) -> Self {
        var snapshot = Self(total: 500, waves: 3)
        snapshot.done = done
        snapshot.failed = failed
        snapshot.inFlight = inFlight
        snapshot.wave = wave
        return snapshot
    }
}

/// Plan's sweep reports with the same code and wording as apply: in a CI log, a plain line
/// every 10 s (driven here by a test clock).
@Suite(.timeLimit(.minutes(1))) struct SweepProgressTests {
    @Test(arguments: [
        (0, 1_000, 10, "Reading live status: 0/1,000 SIMs read · 0.0/s · time left unknown"),
        (200, 1_000, 10, "Reading live status: 200/1,000 SIMs read · 20/s · 40s left"),
        (1_000, 1_000, 50, "Reading live status: 1,000/1,000 SIMs read · 20/s"),
    ])
    func theLine(done: Int, total: Int, seconds: Int, expected: String) {
        #expect(ProgressWording.sweep(done: done, total: total, elapsed: .seconds(seconds)) == expected)
    }

    @Test func aPlainLineEveryTenSecondsInALog() async throws {
        let clock = TestClock()
        let lines = ApplyProgressTests.Lines()
        // The words come from the table above; here only when lines fall due. (The elapsed
        // time the task sees depends on when it resumes, so the line does not use it.)
        let line = ProgressLine(mode: .periodic(.seconds(10)), clock: clock, write: lines.append) { _ in
            ProgressWording.sweep(done: 50, total: 100, elapsed: .seconds(10))
        }
        let task = await ApplyProgressTests.startPeriodic(line, clock: clock, lines: lines)
        #expect(lines.all == ["Reading live status: 50/100 SIMs read · 5.0/s · 10s left\n"])
        await clock.advance(by: .seconds(10))
        await lines.waitFor(count: 2)
        task.cancel()
        await task.value
    }
}
