import FleetModel
import Foundation
import Planning
import Synchronization
import Platform

/// How long jobs have been taking, so waits poll near when a job should end rather
/// than on a fixed schedule.
final class JobTimeEstimate: Sendable {
    private let estimate = Mutex<Double?>(nil)

    func record(_ duration: Duration) {
        let seconds = duration.seconds
        estimate.withLock { $0 = $0.map { $0 * 0.8 + seconds * 0.2 } ?? seconds }
    }

    /// The typical job time so far, or nil before any job was seen to end.
    var typical: Duration? { estimate.withLock { $0 }.map { .seconds($0) } }
}

/// Set by the first SIGINT or SIGTERM: no new step starts, steps in flight finish.
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func set() { flag.store(true, ordering: .relaxed) }
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Settings for carrying out a plan.
public struct ApplyOptions: Sendable {
    /// Requests in flight (the client's connections).
    public var parallelism = 16
    /// Steps in flight: more than requests, since a step waiting for its job sends
    /// nothing. Bounded, so the read before acting stays close to the action.
    public var stepsInFlight: Int { min(1024, parallelism * 4) }
    /// How long to wait for one job to end before calling its outcome unknown.
    public var waitTimeout = Duration.seconds(600)
    /// Used for SIMs whose manifest gives no callbackUrl.
    public var callbackURL: String?
    /// Every verdict on what may be sent, and how status words map to states.
    public var policy = Policy()
    /// Where each SIM's desired state was declared, for the journal.
    public var declared: [ICC: Declaration] = [:]
    /// When to read while a job runs (the typical job time is filled in as jobs end).
    public var waits = WaitSchedule()
    /// Sends of one action when a status read proves the previous one did not happen;
    /// Operations sets the client's retry budget for a status read.
    public var sendAttempts = 6
    /// Each SIM's labels, to judge the policy's freezes as each step is about to be sent.
    public var labels: [ICC: [String: String]] = [:]
    /// The wall clock freezes are judged by; tests set it.
    public var wallClock: @Sendable () -> Date = { Date() }

    public init() {}

    /// The policy's refusal of `step`, as the outcome apply reports: a protected SIM is
    /// refused, a declared termination without an allowance awaits it.
    public func refusal(_ step: Step) -> (outcome: StepOutcome, detail: String)? {
        policy.refusal(step).map { refusal in
            switch refusal {
            case .protected, .denied, .held: (.refused, refusal.message)
            case .notAllowed: (.awaitingTermination, refusal.message)
            }
        }
    }
}

/// A failure of NexCon that ends the whole run (a refused key, a redirect): every further
/// call would fail the same way.
public struct RunEndingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What apply needs of NexCon, in the reconciler's own terms. Operations adapts the HTTP
/// client to it; tests give the simulator's state machine on the reconciler's virtual clock.
public protocol NexConActions: Sendable {
    func status(of icc: ICC, facts: Bool) async throws(RunEndingError) -> Observation
    func perform(_ action: SIMAction, icc: ICC, callbackURL: String?) async throws(RunEndingError) -> ActionAnswer
    /// The pause before sending again an action proven not to have happened.
    func backoff(after attempt: Int) -> Duration
}

/// Carries out a plan's steps: waves in order, compare-and-act before each call, a wait
/// for each job, and never a second call for an action that may have taken effect.
public struct Reconciler: Sendable {
    public let client: any NexConActions
    public let options: ApplyOptions
    public let journal: Journal
    public let stop: StopFlag
    /// Updated as steps start and end, for a progress line.
    public let progress: ApplyProgress?
    /// Every wait (job polls, backoff) and deadline goes by this clock.
    public let time: InjectedClock
    let jobs = JobTimeEstimate()

    public init(client: any NexConActions, options: ApplyOptions, journal: Journal, stop: StopFlag, progress: ApplyProgress? = nil,
                clock: InjectedClock = .continuous) {
        self.client = client
        self.options = options
        self.journal = journal
        self.stop = stop
        self.progress = progress
        self.time = clock
    }

    /// Why no new step may start: the first SIGINT or SIGTERM, or a journal that can no
    /// longer record what is sent. Steps in flight finish either way.
    var stopReason: String? {
        if stop.isSet { return "the run was interrupted" }
        if journal.failure != nil { return "the journal cannot be written" }
        return nil
    }

    /// Terminations wait until every other step has converged.
    public func apply(_ steps: [Step], target: PlanTarget) async throws(RunEndingError) -> ApplyReport {
        // Each SIM's planned path, so a SIM found further along it counts as done, not stale:
        // a re-run after a crash finds two-step SIMs already blocked.
        var ahead: [StepKey: Set<SIMState>] = [:]
        for own in Dictionary(grouping: steps, by: \.icc).values {
            let path = own.sorted { $0.wave < $1.wave }
            for (index, step) in path.enumerated() {
                ahead[step.key] = Set(path[index...].map(\.to))
            }
        }
        var results: [ICC: [SIMAction: StepResult]] = [:]
        func earlier(_ step: Step) -> StepResult? {
            results[step.icc]?.values.filter { $0.step.wave < step.wave }.max { $0.step.wave < $1.step.wave }
        }
        var ordered: [StepResult] = []
        let waves = Dictionary(grouping: steps, by: \.wave).sorted { $0.key < $1.key }
        for (index, (_, wave)) in waves.enumerated() {
            progress?.waveStarted(index + 1)
            let isTerminationWave = wave.allSatisfy { $0.action == .terminate }
            var runnable: [Step] = []
            var decided: [StepResult] = []
            for step in wave {
                // A step a policy rule kept back was never tried, so it says nothing against a termination.
                let blocker = isTerminationWave ? ordered.first { !$0.outcome.converged && $0.step.action != .terminate && !$0.step.isDenied } : nil
                switch StepDecision.admit(step, refusal: options.refusal(step), stopped: stopReason, earlier: earlier(step), blocker: blocker) {
                case .some(let result): decided.append(result)
                case .none: runnable.append(step)
                }
            }
            for result in decided {
                journal.record("outcome") { outcomeFields(&$0, result, declared: options.declared[result.step.icc]) }
                progress?.finished(converged: result.outcome.converged, wasRunning: false)
            }
            let ran = try await runConcurrently(runnable, ahead: ahead)
            for result in decided + ran {
                results[result.step.icc, default: [:]][result.step.action] = result
            }
            ordered += decided + ran
            journal.sync()
        }
        let order = Dictionary(steps.enumerated().map { ($0.element.key, $0.offset) },
                               uniquingKeysWith: { first, _ in first })
        ordered.sort { order[$0.step.key]! < order[$1.step.key]! }
        var report = ApplyReport(results: ordered, interrupted: stop.isSet, target: target)
        report.journalFailure = journal.failure.map { "\(journal.path): \($0)" }
        return report
    }

    private func runConcurrently(_ steps: [Step], ahead: [StepKey: Set<SIMState>]) async throws(RunEndingError) -> [StepResult] {
        let outcome: Result<[StepResult], RunEndingError> = await withTaskGroup(of: Result<StepResult, RunEndingError>.self) { group in
            var iterator = steps.makeIterator()
            var results: [StepResult] = []
            var inFlight = 0
            func startNext() -> Bool {
                guard let step = iterator.next() else { return false }
                if let stopReason {
                    results.append(StepResult(step: step, outcome: .skipped, detail: "not started: \(stopReason)"))
                    journal.record("outcome") { outcomeFields(&$0, results.last!, declared: options.declared[results.last!.step.icc]) }
                    progress?.finished(converged: false, wasRunning: false)
                    return true
                }
                let done = ahead[step.key] ?? [step.to]
                progress?.started()
                group.addTask {
                    do throws(RunEndingError) {
                        let result = try await run(step, doneAt: done)
                        progress?.finished(converged: result.outcome.converged, wasRunning: true)
                        return .success(result)
                    } catch {
                        return .failure(error)
                    }
                }
                inFlight += 1
                return true
            }
            while inFlight < options.stepsInFlight, startNext() {}
            while inFlight > 0, let next = await group.next() {
                inFlight -= 1
                switch next {
                case .success(let result): results.append(result)
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
                while inFlight < options.stepsInFlight, startNext() {}
            }
            return .success(results)
        }
        return try outcome.get()
    }

    func read(_ icc: ICC) async throws(RunEndingError) -> Reading {
        switch try await client.status(of: icc, facts: true) {
        case .status(let word, _):
            guard let live = options.policy.statusMapping.state(for: word) else { return .unreadable("unrecognised live status '\(word)'") }
            return live.settled.map(Reading.at) ?? .pending(word)
        case .notFound: return .unreadable("ICC not found in this account")
        case .failed(let reason): return .unreadable(reason)
        }
    }

    /// Compare, act, wait: one step from start to end, performing the moves `StepDecision`
    /// returns. `doneAt` holds the states that mean the step has already happened.
    func run(_ step: Step, doneAt: Set<SIMState>) async throws(RunEndingError) -> StepResult {
        var decision = StepDecision(step: step, doneAt: doneAt, sendAttempts: options.sendAttempts, waitTimeout: options.waitTimeout)
        var move = decision.start()
        var deadline = time.now + options.waitTimeout
        var sentAt = time.now
        // When the answer came, and when the latest read was due: a job's time is the
        // difference, never the wait for a slot under a rate limit, which would feed back
        // into later waits.
        var answeredAt = time.now
        var readDue = time.now
        var pause: Duration?
        var accepted = false
        while true {
            switch move {
            case .finish(let outcome, let detail):
                if outcome == .confirmed && accepted {
                    jobs.record(readDue - answeredAt)
                }
                return finish(step, outcome, detail, jobId: decision.jobId)
            case .read, .poll:
                var schedule = options.waits
                schedule.typicalJob = jobs.typical ?? options.waits.typicalJob
                if move == .poll {
                    let next = schedule.pause(after: pause, waited: time.now - sentAt)
                    pause = next
                    await time.sleep(for: next)
                }
                readDue = time.now
                let reading = try await read(step.icc)
                let waited = time.now - sentAt
                move = decision.read(reading, timeUp: time.now >= deadline,
                                     overdue: schedule.unseenFailureBound.map { accepted && waited > $0 } ?? false)
            case .send(let attempt, let afterBackoff):
                if afterBackoff { await time.sleep(for: client.backoff(after: attempt - 1)) }
                // Judged now, not when apply began: a freeze may have started since.
                if let frozen = options.policy.freezeHolding(step, labels: options.labels[step.icc] ?? [:],
                                                             clock: PolicyClock(now: options.wallClock())) {
                    var held = step
                    held.verdicts.append(frozen)
                    return finish(held, .refused, frozen.reason, jobId: decision.jobId)
                }
                journal.record("intent") { w in
                    w.key("icc"); w.value(step.icc)
                    w.field("action", step.action.rawValue)
                    w.field("wave", step.wave)
                    w.field("attempt", attempt)
                }
                // Never send what the journal could not record.
                if journal.failure != nil {
                    return finish(step, .skipped, "not sent: the journal cannot be written")
                }
                sentAt = time.now
                let answer = try await client.perform(step.action, icc: step.icc, callbackURL: step.callbackURL ?? options.callbackURL)
                answeredAt = time.now
                let reduced = journaled(step, answer)
                accepted = false
                if case .accepted = reduced { accepted = true }
                move = decision.answered(reduced)
                // The wait for the job starts now, and polls first near the usual job time.
                deadline = time.now + options.waitTimeout
                pause = nil
            }
        }
    }

    /// Journals an answer and reduces it to what the decision needs.
    private func journaled(_ step: Step, _ answer: ActionAnswer) -> ActionAnswer {
        switch answer {
        case .accepted(let jobId):
            journal.record("response") { w in
                w.key("icc"); w.value(step.icc)
                w.field("action", step.action.rawValue)
                w.field("code", 200)
                w.field("jobId", jobId)
            }
        case .notFound:
            journalResponse(step, code: 404, problem: "not found")
        case .refused(let code, let message):
            journalResponse(step, code: code, problem: message)
        case .unanswered(let problem):
            journalResponse(step, code: nil, problem: problem)
        }
        return answer
    }

    private func journalResponse(_ step: Step, code: Int?, problem: String) {
        journal.record("response") { w in
            w.key("icc"); w.value(step.icc)
            w.field("action", step.action.rawValue)
            w.key("code")
            if let code { w.value(code) } else { w.valueNull() }
            w.field("problem", problem)
        }
    }

    private func finish(_ step: Step, _ outcome: StepOutcome, _ detail: String, jobId: String? = nil) -> StepResult {
        let result = StepResult(step: step, outcome: outcome, detail: detail, jobId: jobId)
        journal.record("outcome") { outcomeFields(&$0, result, declared: options.declared[result.step.icc]) }
        return result
    }
}

func outcomeFields(_ w: inout JSONWriter, _ result: StepResult, declared: Declaration?) {
    w.key("icc")
    w.value(result.step.icc)
    w.field("action", result.step.action.rawValue)
    w.field("wave", result.step.wave)
    w.field("outcome", result.outcome.rawValue)
    w.field("detail", result.detail)
    w.field("jobId", result.jobId)
    if !result.step.verdicts.isEmpty {
        w.array("policy", result.step.verdicts) { w, verdict in w.value(verdict) }
    }
    if let declared {
        w.key("declared")
        w.value(declared)
    }
}
