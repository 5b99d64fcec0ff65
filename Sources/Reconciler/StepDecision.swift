import FleetModel
import Planning

/// What a status read says about a step's SIM.
public enum Reading: Hashable, Sendable {
    /// A settled state.
    case at(SIMState)
    /// A job is running (the status word NexCon showed).
    case pending(String)
    /// No usable answer; the reason.
    case unreadable(String)
}

/// How NexCon answered one action, as far as the decision goes.
public enum ActionAnswer: Hashable, Sendable {
    /// 2xx: a job was accepted (its id, if NexCon gave one).
    case accepted(jobId: String?)
    case notFound
    /// A 4xx other than 401, 403, 404 and 429: NexCon refused, perhaps because a job runs.
    case refused(code: Int, message: String)
    /// No usable answer: whether the action took effect is unknown.
    case unanswered(String)
}

/// The next thing to do for a step.
public enum StepMove: Hashable, Sendable {
    /// Read the SIM's status now.
    case read
    /// Read it again after a pause: a job is running.
    case poll
    /// Send the action; `afterBackoff` when an earlier attempt provably did not happen.
    case send(attempt: Int, afterBackoff: Bool)
    /// The step is over.
    case finish(StepOutcome, String)
}

/// Carrying out one step, as a value-type state machine with no I/O: each event (a status
/// read, an answer to the action) returns the next move. The reconciler's loop performs
/// the moves; the decisions, and with them "never send an action twice", are tested here
/// without a network.
///
/// An action is sent only right after a read found the SIM at the step's `from`, and sent
/// again only when a read after an unanswered attempt proves the SIM still there.
public struct StepDecision: Sendable, Hashable {
    public enum Phase: Hashable, Sendable {
        /// Nothing sent: the next read decides whether to send.
        case checking
        /// Attempt N is on its way; its answer decides.
        case sent(attempt: Int)
        /// Attempt N went unanswered; the next read tells whether it took effect.
        case unanswered(attempt: Int, problem: String)
        /// NexCon refused attempt N; the next read tells whether another actor is at work.
        case refused(attempt: Int, code: Int, message: String)
        /// A job runs: ours, or another run's (after a refusal). `sawJob` once a
        /// transitional status was seen: the evidence that lets a return to `from` be
        /// called a failure. NexCon may show no transitional status at all, so an accepted
        /// job whose SIM has not moved yet is running, not failed.
        case waiting(ours: Bool, sawJob: Bool)
        case finished
    }

    public let step: Step
    /// States that mean the step already happened: its target and any later state on the
    /// SIM's planned path (a re-run finds a two-step SIM already blocked).
    public let doneAt: Set<SIMState>
    public let sendAttempts: Int
    /// For messages: how long a wait may last.
    public let waitTimeout: Duration
    public private(set) var phase = Phase.checking
    public private(set) var jobId: String?
    /// Actions sent so far.
    public private(set) var attempts = 0
    /// Whether the one resend after a job that failed unseen was spent.
    public private(set) var resentAfterUnseenFailure = false
    /// The answer to our action was lost and a job then appeared: most likely ours, but
    /// another run sending the same action at the same time cannot be ruled out.
    var lostAnswer: String?

    public init(step: Step, doneAt: Set<SIMState>, sendAttempts: Int, waitTimeout: Duration) {
        self.step = step
        self.doneAt = doneAt.union([step.to])
        self.sendAttempts = max(1, sendAttempts)
        self.waitTimeout = waitTimeout
    }

    /// Whether a step of a wave starts at all: nil when it runs, else why not. `stopped`
    /// says why no new step starts (an interrupt, a journal that cannot be written);
    /// `earlier` is this SIM's previous step's result; `blocker`, for a termination wave, a
    /// step of the run that did not converge.
    public static func admit(_ step: Step, refusal: (outcome: StepOutcome, detail: String)?, stopped: String?,
                             earlier: StepResult?, blocker: StepResult?) -> StepResult? {
        if let refusal {
            return StepResult(step: step, outcome: refusal.outcome, detail: refusal.detail)
        }
        if let stopped {
            return StepResult(step: step, outcome: .skipped, detail: "not started: \(stopped)")
        }
        if let earlier, !earlier.outcome.converged {
            return StepResult(step: step, outcome: .skipped, detail: "not started: this SIM's \(earlier.step.action.rawValue) step ended \(earlier.outcome.rawValue)")
        }
        if let blocker {
            return StepResult(step: step, outcome: .heldBack, detail: "held back: terminations run only when every other step succeeded (\(blocker.step.action.rawValue) \(blocker.step.icc) ended \(blocker.outcome.rawValue))")
        }
        return nil
    }

    /// A step starts with a status read.
    public func start() -> StepMove { .read }

    /// A status read came back; `timeUp` once the current wait has lasted `waitTimeout`;
    /// `overdue` once our accepted action has waited longer than jobs take
    /// (`WaitSchedule.unseenFailureBound`).
    public mutating func read(_ reading: Reading, timeUp: Bool, overdue: Bool = false) -> StepMove {
        switch phase {
        case .checking: readBeforeSending(reading, timeUp: timeUp)
        case .unanswered(let attempt, let problem): readAfterNoAnswer(reading, attempt: attempt, problem: problem)
        case .refused(_, let code, let message): readAfterRefusal(reading, code: code, message: message)
        case .waiting(let ours, let sawJob): readWhileWaiting(reading, ours: ours, sawJob: sawJob, timeUp: timeUp, overdue: overdue)
        // No read was asked for; nothing to decide.
        case .sent, .finished: .read
        }
    }

    private var from: String { step.from.rawValue }
    private var to: String { step.to.rawValue }

    private mutating func readBeforeSending(_ reading: Reading, timeUp: Bool) -> StepMove {
        switch reading {
        case .at(let state) where doneAt.contains(state):
            return finish(.alreadyDone, "already \(state.rawValue); nothing sent")
        case .at(step.from):
            return send(attempt: 1, afterBackoff: false)
        case .at(let other):
            return finish(.stale, "changed since the plan was made: live state is \(other.rawValue), the plan expected \(from); nothing sent, plan again")
        case .pending(let word):
            // A job already running, perhaps this very action from a run that was
            // killed: wait for it to end rather than send anything now.
            return timeUp ? finish(.unknown, "a job is still running (live status \(word)); nothing sent") : .poll
        case .unreadable(let reason):
            return finish(.failed, "could not read its status before acting: \(reason); nothing sent")
        }
    }

    private mutating func readAfterNoAnswer(_ reading: Reading, attempt: Int, problem: String) -> StepMove {
        switch reading {
        case .at(let state) where doneAt.contains(state):
            return finish(.confirmed, "no answer (\(problem)), but the SIM reached \(state.rawValue)")
        case .pending:
            lostAnswer = problem
            phase = .waiting(ours: true, sawJob: true)
            return .poll
        case .at(step.from) where attempt < sendAttempts:
            // Proven not to have happened: safe to send again, after a pause.
            return send(attempt: attempt + 1, afterBackoff: true)
        case .at(step.from):
            return finish(.failed, "no answer after \(attempt) attempts (\(problem)); the SIM is still \(from)")
        case .at(let other):
            return finish(.stale, "no answer (\(problem)), and the SIM is now \(other.rawValue)")
        case .unreadable(let reason):
            return finish(.unknown, "no answer (\(problem)) and no status (\(reason)); whether it took effect is unknown")
        }
    }

    private mutating func readAfterRefusal(_ reading: Reading, code: Int, message: String) -> StepMove {
        switch reading {
        case .at(let state) where doneAt.contains(state):
            return finish(.doneElsewhere, "NexCon answered \(code) (\(message)), and the SIM is already \(state.rawValue): another run or actor did it")
        case .pending:
            phase = .waiting(ours: false, sawJob: true)
            return .poll
        case .at(step.from), .unreadable:
            return finish(.failed, "NexCon refused it (\(code)): \(message)")
        case .at(let other):
            return finish(.stale, "NexCon refused it (\(code): \(message)), and the SIM is now \(other.rawValue); plan again")
        }
    }

    private mutating func readWhileWaiting(_ reading: Reading, ours: Bool, sawJob: Bool, timeUp: Bool, overdue: Bool) -> StepMove {
        var sawJob = sawJob
        switch reading {
        case .at(step.from) where ours && !sawJob && overdue:
            // No sign of a job for longer than jobs take: a lost read most likely hid a
            // failure. This read is the read-before-act; send again, once.
            guard !resentAfterUnseenFailure && attempts < sendAttempts else {
                return finish(.failed, "the SIM stayed \(from) with no sign of a job for longer than jobs take, after \(attempts) attempts; the job most likely failed unseen")
            }
            resentAfterUnseenFailure = true
            return send(attempt: attempts + 1, afterBackoff: false)
        case .at(step.to) where ours:
            if let lostAnswer {
                return finish(.confirmed, "no answer (\(lostAnswer)), then a job took the SIM \(from) → \(to) (this run's, or another sending the same at once)")
            }
            return finish(.confirmed, "\(from) → \(to)")
        case .at(let state) where ours && doneAt.contains(state):
            // Another run already took the SIM further along its planned path.
            return finish(.confirmed, "\(from) → \(to), and it is now \(state.rawValue), further along its planned path")
        case .at(let state) where doneAt.contains(state):
            return finish(.doneElsewhere, "another run or actor's job took it to \(state.rawValue); nothing sent by this run")
        case .at(step.from) where sawJob:
            return ours
                ? finish(.failed, "the job failed: the SIM went back to \(from)")
                : finish(.failed, "another run or actor's job ended and the SIM is still \(from); plan again")
        case .at(let other) where other != step.from:
            return finish(.failed, "the SIM ended up \(other.rawValue) instead of \(to)")
        case .pending:
            sawJob = true
        default:
            break
        }
        if timeUp {
            return finish(.unknown, "the job did not end within \(waitTimeout); check it later with simfleet plan")
        }
        phase = .waiting(ours: ours, sawJob: sawJob)
        return .poll
    }

    /// NexCon answered the action just sent.
    public mutating func answered(_ answer: ActionAnswer) -> StepMove {
        guard case .sent(let attempt) = phase else { return .read }
        switch answer {
        case .accepted(let id):
            jobId = id
            phase = .waiting(ours: true, sawJob: false)
            return .poll
        case .notFound:
            return finish(.failed, "NexCon answered 404: ICC not found in this account")
        case .refused(let code, let message):
            // A 409 may mean the SIM moved or a job runs: look before judging.
            phase = .refused(attempt: attempt, code: code, message: message)
            return .read
        case .unanswered(let problem):
            // Ambiguous: the action may or may not have happened. Only a status read can tell.
            phase = .unanswered(attempt: attempt, problem: problem)
            return .read
        }
    }

    private mutating func send(attempt: Int, afterBackoff: Bool) -> StepMove {
        attempts = attempt
        phase = .sent(attempt: attempt)
        return .send(attempt: attempt, afterBackoff: afterBackoff)
    }

    private mutating func finish(_ outcome: StepOutcome, _ detail: String) -> StepMove {
        phase = .finished
        return .finish(outcome, detail)
    }
}
