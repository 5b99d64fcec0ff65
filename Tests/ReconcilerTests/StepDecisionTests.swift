import FleetModel
import Foundation
import NexConAPI
import Planning
@testable import Reconciler
import TestSupport
import Testing

/// The reconciler's decisions for one step, exhaustively, without a network.
@Suite struct StepDecisionTests {
    /// activate inactive → active, for a SIM whose manifest wants it blocked (so blocked
    /// is "further along its path").
    static let step = Step(icc: TestICC.number(1), name: "t", action: .activate, from: .inactive, to: .active, wave: 1,
                           location: SourceLocation(path: "m.yaml"))

    enum Setup: String, CaseIterable, Sendable {
        case checking, unansweredFirst, unansweredLast, refused, waitingOurs, waitingOther
    }

    /// A machine driven into `setup` by the events that lead there.
    static func machine(_ setup: Setup) -> StepDecision {
        var machine = StepDecision(step: step, doneAt: [.active, .blocked], sendAttempts: setup == .unansweredLast ? 1 : 3,
                                   waitTimeout: .seconds(600))
        guard setup != .checking else { return machine }
        #expect(machine.read(.at(.inactive), timeUp: false) == .send(attempt: 1, afterBackoff: false))
        switch setup {
        case .unansweredFirst, .unansweredLast: #expect(machine.answered(.unanswered("timeout")) == .read)
        case .refused: #expect(machine.answered(.refused(code: 409, message: "job running")) == .read)
        case .waitingOurs: #expect(machine.answered(.accepted(jobId: "j1")) == .poll)
        case .waitingOther:
            #expect(machine.answered(.refused(code: 409, message: "job running")) == .read)
            #expect(machine.read(.pending("ACTIVATING"), timeUp: false) == .poll)
        case .checking: break
        }
        return machine
    }

    static let readings: [(String, Reading)] = [
        ("from", .at(.inactive)), ("target", .at(.active)), ("later", .at(.blocked)), ("other", .at(.terminated)),
        ("pending", .pending("ACTIVATING")), ("unreadable", .unreadable("timeout")),
    ]

    /// The expected move, as `send N`, `poll`, `read` or the outcome's name, for each
    /// setup and reading (time left, then time up).
    static let table: [Setup: [String: (String, String)]] = [
        .checking: ["from": ("send 1", "send 1"), "target": ("already-done", "already-done"), "later": ("already-done", "already-done"),
                    "other": ("stale", "stale"), "pending": ("poll", "unknown"), "unreadable": ("failed", "failed")],
        .unansweredFirst: ["from": ("send 2 after backoff", "send 2 after backoff"), "target": ("confirmed", "confirmed"), "later": ("confirmed", "confirmed"),
                           "other": ("stale", "stale"), "pending": ("poll", "poll"), "unreadable": ("unknown", "unknown")],
        .unansweredLast: ["from": ("failed", "failed"), "target": ("confirmed", "confirmed"), "later": ("confirmed", "confirmed"),
                          "other": ("stale", "stale"), "pending": ("poll", "poll"), "unreadable": ("unknown", "unknown")],
        .refused: ["from": ("failed", "failed"), "target": ("done-by-another-run", "done-by-another-run"),
                   "later": ("done-by-another-run", "done-by-another-run"), "other": ("stale", "stale"), "pending": ("poll", "poll"),
                   "unreadable": ("failed", "failed")],
        .waitingOurs: ["from": ("poll", "unknown"), "target": ("confirmed", "confirmed"), "later": ("confirmed", "confirmed"),
                       "other": ("failed", "failed"), "pending": ("poll", "unknown"), "unreadable": ("poll", "unknown")],
        .waitingOther: ["from": ("failed", "failed"), "target": ("done-by-another-run", "done-by-another-run"),
                        "later": ("done-by-another-run", "done-by-another-run"),
                        "other": ("failed", "failed"), "pending": ("poll", "unknown"), "unreadable": ("poll", "unknown")],
    ]

    static func describe(_ move: StepMove) -> String {
        switch move {
        case .read: "read"
        case .poll: "poll"
        case .send(let attempt, let backoff): "send \(attempt)\(backoff ? " after backoff" : "")"
        case .finish(let outcome, _): outcome.rawValue
        }
    }

    @Test(arguments: Setup.allCases, [false, true])
    func everyReadingInEveryPhase(setup: Setup, timeUp: Bool) {
        for (name, reading) in Self.readings {
            var machine = Self.machine(setup)
            let expected = Self.table[setup]![name]!
            let move = Self.describe(machine.read(reading, timeUp: timeUp))
            #expect(move == (timeUp ? expected.1 : expected.0), "\(setup) + \(name), time up: \(timeUp)")
        }
    }

    @Test(arguments: [
        (ActionAnswer.accepted(jobId: "j"), "poll"), (.notFound, "failed"),
        (.refused(code: 409, message: "m"), "read"), (.refused(code: 400, message: "m"), "read"), (.unanswered("timeout"), "read"),
    ])
    func everyAnswerToASend(answer: ActionAnswer, expected: String) {
        var machine = Self.machine(.checking)
        _ = machine.read(.at(.inactive), timeUp: false)
        #expect(Self.describe(machine.answered(answer)) == expected)
    }

    /// Evidence of failure: a job seen and then lost. An API that shows no transitional
    /// status keeps the old one while the job runs, so no number of such reads is a
    /// failure; only the wait running out ends it, as unknown.
    @Test func anAcceptedJobFailsOnlyOnEvidence() {
        var seen = Self.machine(.waitingOurs)
        #expect(seen.read(.pending("ACTIVATING"), timeUp: false) == .poll)
        #expect(Self.describe(seen.read(.at(.inactive), timeUp: false)) == "failed")

        var unseen = Self.machine(.waitingOurs)
        for _ in 0..<100 { #expect(unseen.read(.at(.inactive), timeUp: false) == .poll) }
        #expect(Self.describe(unseen.read(.at(.inactive), timeUp: true)) == "unknown")
        var later = Self.machine(.waitingOurs)
        for _ in 0..<10 { _ = later.read(.at(.inactive), timeUp: false) }
        #expect(Self.describe(later.read(.at(.active), timeUp: false)) == "confirmed")
    }

    @Test func detailsSayWhatHappened() {
        var refused = Self.machine(.refused)
        guard case .finish(_, let detail) = refused.read(.at(.active), timeUp: false) else { Issue.record("not finished"); return }
        #expect(detail == "NexCon answered 409 (job running), and the SIM is already active: another run or actor did it")
        var waiting = Self.machine(.waitingOurs)
        guard case .finish(let outcome, let text) = waiting.read(.at(.active), timeUp: false) else { Issue.record("not finished"); return }
        #expect(outcome == .confirmed && text == "inactive → active" && waiting.jobId == "j1")
        // A lost answer, then a job: confirmed, without claiming the job as surely this run's.
        var lost = Self.machine(.unansweredFirst)
        #expect(lost.read(.pending("ACTIVATING"), timeUp: false) == .poll)
        guard case .finish(let after, let said) = lost.read(.at(.active), timeUp: false) else { Issue.record("not finished"); return }
        #expect(after == .confirmed && said == "no answer (timeout), then a job took the SIM inactive → active (this run's, or another sending the same at once)")
    }

    /// Over random event sequences: an action goes out only right after a read found the SIM
    /// at `from`, and again only after an unanswered attempt and such a read.
    @Test(arguments: 0..<300)
    func anActionIsSentOnlyWhenAReadProvesItNecessary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let answers: [ActionAnswer] = [.accepted(jobId: "j"), .notFound, .refused(code: 409, message: "m"), .unanswered("drop")]
        var machine = StepDecision(step: Self.step, doneAt: [.active], sendAttempts: Int.random(in: 1...6, using: &random), waitTimeout: .seconds(1))
        var move = machine.start()
        var lastReading: Reading?
        var lastAnswer: ActionAnswer?
        var sends = 0
        for _ in 0..<50 {
            switch move {
            case .finish: return
            case .read, .poll:
                let reading = Self.readings.randomElement(using: &random)!.1
                lastReading = reading
                move = machine.read(reading, timeUp: Int.random(in: 0..<10, using: &random) == 0)
            case .send(let attempt, _):
                sends += 1
                #expect(attempt == sends)
                #expect(lastReading == .at(.inactive), "sent without a read at from")
                if sends > 1 {
                    guard case .unanswered = lastAnswer else { Issue.record("sent again after \(String(describing: lastAnswer))"); return }
                }
                #expect(sends <= machine.sendAttempts)
                let answer = answers.randomElement(using: &random)!
                lastAnswer = answer
                lastReading = nil
                move = machine.answered(answer)
            }
        }
    }
}

/// Whether a step of a wave starts: refusals, interruption, an earlier step that failed, and
/// terminations held back, in that order of precedence.
@Suite struct AdmissionTests {
    static let terminate = Step(icc: TestICC.number(2), name: nil, action: .terminate, from: .active, to: .terminated, wave: 3,
                                location: SourceLocation(path: "m.yaml"))
    static func result(_ outcome: StepOutcome) -> StepResult {
        StepResult(step: StepDecisionTests.step, outcome: outcome, detail: "")
    }

    @Test(arguments: [
        (true, false, StepOutcome?.none, StepOutcome?.none, "refused"),
        (true, true, .failed, .failed, "refused"),
        (false, true, .failed, .failed, "skipped"),
        (false, false, .failed, nil, "skipped"),
        (false, false, .confirmed, .failed, "held-back"),
        (false, false, .alreadyDone, nil, "runs"),
        (false, false, .doneElsewhere, nil, "runs"),
        (false, false, nil, nil, "runs"),
    ])
    func admission(refused: Bool, stopped: Bool, earlier: StepOutcome?, blocker: StepOutcome?, expected: String) {
        let decided = StepDecision.admit(Self.terminate, refusal: refused ? (.refused, "protected") : nil, stopped: stopped ? "the run was interrupted" : nil,
                                         earlier: earlier.map(Self.result), blocker: blocker.map(Self.result))
        #expect((decided?.outcome.rawValue ?? "runs") == expected)
    }

    @Test func journalNamesAreUniquePerRun() {
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        #expect(Journal.defaultPath(now: now, pid: 41) == ".simfleet/journal/2027-01-15T080000.500-41.jsonl")
        #expect(Journal.defaultPath(now: now, pid: 41) != Journal.defaultPath(now: now, pid: 42))
        #expect(Journal.defaultPath(now: now, pid: 41) != Journal.defaultPath(now: now.addingTimeInterval(0.001), pid: 41))
    }
}

/// Which terminations apply refuses, and which wait only for an allowance.
@Suite struct RefusalTests {
    static func terminate(protect: Bool) -> Step {
        Step(icc: TestICC.number(1), name: nil, action: .terminate, from: .active, to: .terminated, wave: 2, protect: protect,
             location: SourceLocation(path: "m.yaml", line: 1, column: 1))
    }

    @Test(arguments: [
        (false, TerminateAllowance.none, StepOutcome?.some(.awaitingTermination)),
        (false, .all, nil),
        (true, .all, .refused),
        (true, .none, .refused),
    ])
    func refusal(protect: Bool, allowance: TerminateAllowance, expected: StepOutcome?) {
        var options = ApplyOptions()
        options.policy.allowTerminate = allowance
        #expect(options.refusal(Self.terminate(protect: protect))?.outcome == expected)
    }
}

/// Case 6 of the sound-loop issue: one lost read hid a failed job, and apply polled that
/// SIM 2,950 times over 10 minutes before calling it unknown. Now a wait has a budget, and
/// a job that never showed itself is judged failed after three typical job times and
/// sent again, once, through the usual read-before-act.
@Suite struct UnseenFailureTests {
    static var step: Step { StepDecisionTests.step }

    static func waiting(sendAttempts: Int = 3) -> StepDecision {
        var machine = StepDecision(step: step, doneAt: [.active], sendAttempts: sendAttempts, waitTimeout: .seconds(600))
        _ = machine.read(.at(.inactive), timeUp: false)
        _ = machine.answered(.accepted(jobId: "j1"))
        return machine
    }

    @Test func anOverdueJobThatNeverShowedItselfIsSentAgainOnceThenFailed() {
        var machine = Self.waiting()
        // Not overdue yet: a job may show no transitional status at all.
        #expect(machine.read(.at(.inactive), timeUp: false, overdue: false) == .poll)
        #expect(machine.read(.at(.inactive), timeUp: false, overdue: true) == .send(attempt: 2, afterBackoff: false))
        #expect(machine.answered(.accepted(jobId: "j2")) == .poll)
        guard case .finish(.failed, let detail) = machine.read(.at(.inactive), timeUp: false, overdue: true) else {
            Issue.record("a second unseen failure is not sent again")
            return
        }
        #expect(detail.contains("no sign of a job for longer than jobs take, after 2 attempts"))
    }

    @Test func aJobSeenRunningIsJudgedByTheEvidence() {
        var machine = Self.waiting()
        #expect(machine.read(.pending("ACTIVATING"), timeUp: false, overdue: true) == .poll)
        // Back at from after it was seen running: the ordinary failure, never a resend.
        guard case .finish(.failed, let detail) = machine.read(.at(.inactive), timeUp: false, overdue: true) else {
            Issue.record("expected a failure")
            return
        }
        #expect(detail == "the job failed: the SIM went back to inactive")
        #expect(machine.attempts == 1)
    }

    @Test func theResendRespectsTheAttemptBudget() {
        var machine = Self.waiting(sendAttempts: 1)
        guard case .finish(.failed, _) = machine.read(.at(.inactive), timeUp: false, overdue: true) else {
            Issue.record("no attempts left: failed")
            return
        }
    }

    @Test(arguments: [
        // previous pause, waited, typical job -> next pause (ms)
        (Int?.none, 0, Int?.none, 100), (nil, 0, 2_000, 1_800), (nil, 0, 20, 100),
        (100, 500, nil, 150), (150, 600, nil, 225), (225, 700, nil, 250),
        // Past 1 s the cap is a quarter of the job's age (or of the typical job), up to 5 s.
        (250, 2_000, nil, 375), (375, 2_000, nil, 500), (1_000, 10_000, nil, 1_500), (2_000, 10_000, nil, 2_500),
        (250, 1_000, 20_000, 375), (4_000, 30_000, nil, 5_000),
        (250, 61_000, nil, 375), (3_000, 120_000, nil, 4_500), (4_500, 130_000, nil, 5_000), (5_000, 600_000, nil, 5_000),
    ])
    func thePollScheduleHasABudget(previous: Int?, waited: Int, typical: Int?, expected: Int) {
        let schedule = WaitSchedule(typicalJob: typical.map { .milliseconds($0) })
        #expect(schedule.pause(after: previous.map { .milliseconds($0) }, waited: .milliseconds(waited)) == .milliseconds(expected))
    }

    /// A job that never ends costs about 12 reads a minute after the first minute, not 240.
    @Test func readsPerMinuteAfterTheFirstMinute() {
        let schedule = WaitSchedule(typicalJob: .seconds(2))
        var waited = Duration.zero, pause: Duration? = nil, reads: [Duration] = []
        while waited < .seconds(600) {
            let next = schedule.pause(after: pause, waited: waited)
            pause = next
            waited += next
            reads.append(waited)
        }
        for minute in 2..<10 {
            let count = reads.count { $0 >= .seconds(minute * 60) && $0 < .seconds((minute + 1) * 60) }
            #expect(count <= 12, "minute \(minute): \(count) reads")
        }
        #expect(reads.count < 400)
    }

    /// Reads per job from sending to the read that sees it ended, before any job was seen
    /// to end (the worst case) and once the typical job time is known; and how late the
    /// end is noticed, at most a quarter of the job's time (or 250 ms).
    @Test(arguments: [
        // job seconds, typical known?, most reads
        (1, false, 6), (10, false, 16), (60, false, 27), (600, false, 135),
        (1, true, 3), (10, true, 6), (60, true, 10),
    ])
    func readsPerJobGrowWithTheLogarithmOfItsLength(seconds: Int, typicalKnown: Bool, most: Int) {
        let job = Duration.seconds(seconds)
        let schedule = WaitSchedule(typicalJob: typicalKnown ? job : nil)
        var waited = Duration.zero, pause: Duration? = nil, reads = 0
        while waited < job {
            let next = schedule.pause(after: pause, waited: waited)
            pause = next
            waited += next
            reads += 1
        }
        #expect(reads <= most, "\(reads) reads for a \(seconds) s job")
        #expect(waited - job <= max(.milliseconds(250), job / 4), "noticed \(waited - job) late")
    }

    @Test(arguments: [(Int?.none, Int?.none), (1_000, 5_000), (2_000, 6_000), (30_000, 90_000)])
    func theUnseenFailureBoundComesFromObservedJobTimes(typical: Int?, bound: Int?) {
        #expect(WaitSchedule(typicalJob: typical.map { .milliseconds($0) }).unseenFailureBound == bound.map { .milliseconds($0) })
    }
}
