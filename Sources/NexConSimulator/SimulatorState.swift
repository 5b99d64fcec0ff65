import Foundation
import NexConAPI
import Synchronization
import Platform
import FleetModel

/// The simulator's fleet, jobs and call log behind one lock.
///
/// Every operation is short and synchronous, so request handlers never wait on each
/// other for longer than a dictionary lookup.
public final class SimulatorState: Sendable {
    struct Storage {
        var sims: [String: SimulatedSIM] = [:]
        /// The newest calls, up to `callLogLimit` of them (and up to half as many more
        /// between trims, which keeps trimming rare).
        var calls: [CallRecord] = []
        /// Calls trimmed from the log.
        var forgottenCalls = 0
        /// Jobs that failed, newest last, bounded like the calls: an audit can then tell a
        /// legitimate second action (after a failure) from a duplicate.
        var failedJobs: [Job] = []
        var nextJob = 1
        var random: SplitMix
        /// Counts changes to `sims`, so the state writer knows what it has saved.
        var version = 0
        /// Callbacks not called because of `callbackReach`.
        var withheldCallbacks = 0
        /// Callbacks given up after every attempt failed.
        var abandonedCallbacks = 0
    }

    private let storage: Mutex<Storage>
    /// Callers waiting for a condition on the state, checked after every change.
    private let waiters = Mutex<[(condition: @Sendable (SimulatorState) -> Bool, continuation: CheckedContinuation<Void, Never>)]>([])
    private let callLogLimit: Int
    /// Told after every change, for the state writer.
    private let changes: AsyncStream<Void>.Continuation?

    public init(sims: [SimulatedSIM], randomSeed: UInt64?, callLogLimit: Int = 100_000, changes: AsyncStream<Void>.Continuation? = nil) {
        self.changes = changes
        self.callLogLimit = max(0, callLogLimit)
        var storage = Storage(random: SplitMix(seed: randomSeed ?? UInt64.random(in: .min ... .max)))
        for sim in sims { storage.sims[sim.icc] = sim }
        storage.nextJob = (sims.compactMap { $0.job.flatMap { Int($0.id.dropFirst(4)) } }.max() ?? 0) + 1
        self.storage = Mutex(storage)
    }

    /// What happened to an action request.
    public enum ActionOutcome: Equatable, Sendable {
        case notFound
        case conflict(code: String, message: String)
        case alreadyThere(status: String)
        case started(Job, status: String)
    }

    public func status(of icc: String) -> StatusResponse? {
        storage.withLock { $0.sims[icc]?.live }
    }

    /// The status answer's body, as the HTTP simulator sends it.
    public func statusBody(of icc: String) -> [UInt8]? {
        status(of: icc).map(SimulatedAPI.encode)
    }

    /// The job running for `icc`, if any; a simulator without HTTP finishes it when due.
    public func job(of icc: String) -> Job? {
        storage.withLock { $0.sims[icc]?.job }
    }

    /// Decides and, when accepted, starts a job: the SIM shows the transitional status, or
    /// keeps its old one with `transitional: .none`.
    public func perform(_ action: SIMAction, icc: String, callbackURL: String?, configuration: SimulatorConfiguration, now: Date) -> ActionOutcome {
        let outcome = storage.withLock { storage -> ActionOutcome in
            guard var sim = storage.sims[icc] else { return .notFound }
            switch Lifecycle.decide(action, status: sim.status, jobPending: sim.job != nil, repeat: configuration.repeatPolicy) {
            case .conflict(let code, let message):
                return .conflict(code: code, message: message)
            case .alreadyThere:
                return .alreadyThere(status: sim.status)
            case .start(let transition):
                let fails = configuration.jobFailureRate > 0 && storage.random.nextUnit() < configuration.jobFailureRate
                let job = Job(id: String(format: "job-%08d", storage.nextJob), icc: icc, action: action,
                              from: transition.from, to: transition.to,
                              finishesAt: now.addingTimeInterval(configuration.jobDuration.seconds),
                              fails: fails, callbackURL: callbackURL)
                storage.nextJob += 1
                if configuration.transitional == .shown { sim.status = transition.during }
                sim.job = job
                storage.sims[icc] = sim
                storage.version += 1
                return .started(job, status: sim.status)
            }
        }
        if case .started = outcome { changed() }
        return outcome
    }

    /// Ends a job: the SIM reaches the target, or goes back where it was if the job fails.
    /// Returns the callback to deliver, if the job asked for one.
    @discardableResult
    public func finish(_ job: Job, at now: Date) -> CallbackDelivery? {
        let (finished, status) = storage.withLock { storage -> (Bool, String) in
            guard var sim = storage.sims[job.icc], sim.job?.id == job.id else { return (false, "") }
            sim.status = job.fails ? job.from : job.to
            sim.job = nil
            if job.fails {
                storage.failedJobs.append(job)
                if storage.failedJobs.count > max(1, callLogLimit) { storage.failedJobs.removeFirst(storage.failedJobs.count / 2) }
            }
            storage.sims[job.icc] = sim
            storage.version += 1
            return (true, sim.status)
        }
        guard finished else { return nil }
        changed()
        guard let url = job.callbackURL else { return nil }
        return CallbackDelivery(url: url, payload: JobCallback(
            jobId: job.id, icc: job.icc, action: job.action, status: status,
            success: !job.fails, finishedAt: Self.timestamp(now)))
    }

    public func record(_ call: CallRecord) {
        let limit = callLogLimit
        storage.withLock { storage in
            storage.calls.append(call)
            if storage.calls.count > limit + limit / 2 {
                let excess = storage.calls.count - limit
                storage.calls.removeFirst(excess)
                storage.forgottenCalls += excess
            }
        }
    }

    /// A number in 0..<1 from the simulator's generator.
    public func random() -> Double {
        storage.withLock { $0.random.nextUnit() }
    }

    /// Jobs that ended in failure, oldest first (at most about `callLogLimit`).
    public var failedJobs: [Job] { storage.withLock { $0.failedJobs } }

    /// The newest calls, oldest first, at most `callLogLimit`.
    public var calls: [CallRecord] { callLog.calls }

    /// The kept calls and how many older ones were forgotten.
    public var callLog: (calls: [CallRecord], forgotten: Int) {
        let limit = callLogLimit
        return storage.withLock { storage in
            let excess = max(0, storage.calls.count - limit)
            return (Array(storage.calls.dropFirst(excess)), storage.forgottenCalls + excess)
        }
    }

    func noteWithheldCallback() {
        storage.withLock { $0.withheldCallbacks += 1 }
        changed()
    }

    public var withheldCallbacks: Int { storage.withLock { $0.withheldCallbacks } }

    func noteAbandonedCallback() {
        storage.withLock { $0.abandonedCallbacks += 1 }
        changed()
    }

    public var abandonedCallbacks: Int { storage.withLock { $0.abandonedCallbacks } }

    /// Returns once `condition` holds: checked now and after every change (a job started or
    /// ended, a callback withheld or given up). An event, never a poll on a clock.
    public func waitUntil(_ condition: @escaping @Sendable (SimulatorState) -> Bool) async {
        await withCheckedContinuation { continuation in
            let holds = waiters.withLock { waiters in
                if condition(self) { return true }
                waiters.append((condition, continuation))
                return false
            }
            if holds { continuation.resume() }
        }
    }

    /// Tells the state writer and resumes the waiters whose condition now holds.
    private func changed() {
        changes?.yield()
        let ready = waiters.withLock { waiters in
            var ready: [CheckedContinuation<Void, Never>] = []
            waiters = waiters.filter { waiter in
                guard waiter.condition(self) else { return true }
                ready.append(waiter.continuation)
                return false
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Every SIM, sorted by ICC, and the version of the state they were read at.
    public func snapshot() -> (sims: [SimulatedSIM], version: Int) {
        let (sims, version) = storage.withLock { ($0.sims, $0.version) }
        return (sims.values.sorted { $0.icc < $1.icc }, version)
    }

    public var version: Int { storage.withLock { $0.version } }

    /// Jobs still running, for rescheduling after a restart.
    public var runningJobs: [Job] {
        storage.withLock { $0.sims.values.compactMap(\.job) }.sorted { $0.finishesAt < $1.finishesAt }
    }

    static func timestamp(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }
}

/// A small seedable generator, so a simulator run with `--random-seed` repeats exactly.
struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
