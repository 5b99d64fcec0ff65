import FleetModel
import Foundation
import NexConAPI
import NexConClient
import NexConSimulator
import Operations
import Planning
import Platform
import Reconciler

/// NexCon without HTTP: the simulator's own state machine (`SimulatorState`: lifecycle,
/// jobs, the call log an audit reads), with jobs that end when the injected clock reaches
/// their end. Operations and the reconciler run against it in-process on virtual time.
public final class InMemoryNexCon: NexConService, NexConOpener {
    public let state: SimulatorState
    public let configuration: SimulatorConfiguration
    private let clock: InjectedClock
    /// The wall-clock time the virtual clock started at (by default Friday 2026-12-04 14:55 UTC):
    /// jobs, calls and freezes go by it.
    private let epoch: Date
    public let target = PlanTarget(kind: .simulator, url: "http://127.0.0.1:1")

    public init(sims: [SimulatedSIM], configuration: SimulatorConfiguration = SimulatorConfiguration(), clock: InjectedClock,
                epoch: Date = Date(timeIntervalSince1970: 1_796_396_100)) {
        self.state = SimulatorState(sims: sims, randomSeed: configuration.randomSeed ?? 1)
        self.configuration = configuration
        self.clock = clock
        self.epoch = epoch
    }

    /// The wall clock that moves with the virtual one, for freezes and journals.
    public var wallClock: @Sendable () -> Date {
        { [clock, epoch] in epoch.addingTimeInterval(clock.now.seconds) }
    }

    private var now: Date { wallClock() }

    /// Ends the SIM's job if its time has come, as the HTTP simulator's job engine would.
    private func settle(_ icc: String) {
        if let job = state.job(of: icc), job.finishesAt <= now { state.finish(job, at: now) }
    }

    public func status(of icc: ICC, facts: Bool) async throws(RunEndingError) -> Observation {
        settle(icc.digits)
        guard let body = state.statusBody(of: icc.digits), let json = JSONValue(parsing: body), let word = json["status"]?.text else {
            state.record(CallRecord(time: now, path: NexConAPI.Endpoint.status.path, icc: icc.digits, code: 404, jobId: nil, applied: nil))
            return .notFound
        }
        state.record(CallRecord(time: now, path: NexConAPI.Endpoint.status.path, icc: icc.digits, code: 200, jobId: nil, applied: nil))
        return .status(word, facts: facts ? json : .null)
    }

    public func perform(_ action: SIMAction, icc: ICC, callbackURL: String?) async throws(RunEndingError) -> ActionAnswer {
        settle(icc.digits)
        let path = action.endpoint.path
        switch state.perform(action, icc: icc.digits, callbackURL: callbackURL, configuration: configuration, now: now) {
        case .notFound:
            state.record(CallRecord(time: now, path: path, icc: icc.digits, code: 404, jobId: nil, applied: nil))
            return .notFound
        case .conflict(_, let message):
            state.record(CallRecord(time: now, path: path, icc: icc.digits, code: 409, jobId: nil, applied: nil))
            return .refused(code: 409, message: message)
        case .alreadyThere:
            state.record(CallRecord(time: now, path: path, icc: icc.digits, code: 200, jobId: nil, applied: nil))
            return .accepted(jobId: nil)
        case .started(let job, _):
            state.record(CallRecord(time: now, path: path, icc: icc.digits, code: 200, jobId: job.id, applied: nil))
            if configuration.jobDuration == .zero { state.finish(job, at: now) }
            return .accepted(jobId: job.id)
        }
    }

    public func backoff(after attempt: Int) -> Duration { .milliseconds(100) }

    public func sweep(_ iccs: [ICC], parallelism: Int, progress: StatusSweep.Progress,
                      needsFacts: @escaping @Sendable (ICC) -> Bool) async throws(RunEndingError) -> [ICC: Observation] {
        var found: [ICC: Observation] = [:]
        for icc in iccs { found[icc] = try await status(of: icc, facts: needsFacts(icc)) }
        return found
    }

    public var closingWarnings: [String] { [] }

    public func open<T: Sendable>(seed: [DesiredSIM], console: any Console,
                                  _ body: @Sendable (any NexConService, PlanTarget) async throws -> T) async throws -> T {
        try await body(self, target)
    }

    /// The actions sent, as `action ICC`, in order.
    public var actions: [String] {
        state.calls.filter { !$0.path.hasSuffix("/status") }.map { "\($0.path.split(separator: "/").last ?? "") \($0.icc ?? "")" }
    }
}
