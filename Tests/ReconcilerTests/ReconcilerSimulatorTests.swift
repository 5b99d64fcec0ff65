import FleetModel
import Foundation
import NexConAPI
import NexConClient
import NexConSimulator
import Operations
import Planning
import Platform
@testable import Reconciler
import Clocks
import TestSupport
import Testing
import Views

/// The reconciler in process against the simulator over real loopback HTTP.
@Suite struct ReconcilerSimulatorTests {
    static let statuses = ["INACTIVE", "ACTIVATED", "BLOCKED"]

    /// A fleet where every SIM needs one or two steps, and the plan for it.
    static func fleet(_ count: Int) -> (sims: [SimulatedSIM], steps: [Step], desired: [ICC: SIMState]) {
        var sims: [SimulatedSIM] = []
        var desired: [DesiredSIM] = []
        var observed: [ICC: Observation] = [:]
        for (n, icc) in TestICC.numbers(count).enumerated() {
            let status = statuses[n % 3]
            let want: SIMState = switch status { case "INACTIVE": n % 2 == 0 ? .active : .blocked; case "ACTIVATED": .blocked; default: .active }
            sims.append(SimulatedSIM(icc: icc.digits, status: status))
            desired.append(DesiredSIM(icc: icc, state: want, location: SourceLocation(path: "m.yaml")))
            observed[icc] = .status(status, facts: .null)
        }
        let plan = Planner.plan(desired: desired, observed: observed, policy: Policy())
        return (sims, plan.steps, Dictionary(uniqueKeysWithValues: desired.map { ($0.icc, $0.state) }))
    }

    static func effectiveActions(_ state: SimulatorState) -> [String: Int] {
        EffectiveActions.count(state.calls)
    }

    static func apply(_ steps: [Step], url: String, journal: String, progress: ApplyProgress? = nil) async throws -> ApplyReport {
        var retry = RetryPolicy()
        retry.base = .milliseconds(5)
        retry.cap = .milliseconds(50)
        let client = try NexConClient(endpoint: NexConConnection(url: url, key: SimulatorConfiguration.developmentKey), parallelism: 8, rate: nil, retry: retry)
        var options = ApplyOptions()
        options.parallelism = 8
        options.waits.firstPause = .milliseconds(5)
        options.waits.quickCap = .milliseconds(20)
        let reconciler = Reconciler(client: ClientActions(client: client), options: options, journal: try Journal(path: journal), stop: StopFlag(), progress: progress)
        do {
            let report = try await reconciler.apply(steps, target: PlanTarget(kind: .simulator, url: url))
            await client.shutdown()
            return report
        } catch {
            await client.shutdown()
            throw error
        }
    }

    @Test(arguments: [(0.3, 0.0), (0.0, 0.2), (0.2, 0.2)])
    func faultsNeverMakeAnActionHappenTwice(dropRate: Double, failRate: Double) async throws {
        let (sims, steps, desired) = Self.fleet(60)
        var configuration = SimulatorConfiguration.forTests
        configuration.dropRate = dropRate
        configuration.failRate = failRate
        try await withTemporaryDirectory { dir in
            try await withSimulator(configuration, sims: sims) { simulator in
                let progress = ApplyProgress(total: steps.count, waves: Set(steps.map(\.wave)).count)
                let report = try await Self.apply(steps, url: simulator.baseURL, journal: dir.appendingPathComponent("j.jsonl").path, progress: progress)
                // The progress line's counts end where the report does.
                let end = progress.snapshot
                #expect(end.done == steps.count && end.inFlight == 0 && end.wave == end.waves)
                #expect(end.failed == report.results.count { !$0.outcome.converged })
                let effective = Self.effectiveActions(simulator.state)
                #expect(effective.values.allSatisfy { $0 == 1 }, "\(effective)")
                // Each step the report calls converged really is where it leads, and a SIM whose
                // steps all converged is in its desired state.
                for result in report.results where result.outcome.converged {
                    let live = simulator.state.status(of: result.step.icc.digits)?.status
                    if result.step.to == desired[result.step.icc] {
                        #expect(live == (result.step.to == .active ? "ACTIVATED" : "BLOCKED"), "\(result.step.icc) \(result.outcome)")
                    }
                }
                // Nothing is counted twice.
                #expect(report.results.count == steps.count)
            }
        }
    }

    /// Two runs of the same plan at once: each SIM's step is confirmed by exactly one of them,
    /// whatever the interleaving; the other sees it already done or done by another run.
    @Test func twoRunsAtOnceNeverCountAStepTwice() async throws {
        let (sims, steps, _) = Self.fleet(30)
        var configuration = SimulatorConfiguration.forTests
        // A late action on a SIM already at its target is answered 409, so every
        // interleaving of the two runs leaves one of them the sender.
        configuration.repeatPolicy = .conflict
        configuration.jobDuration = .milliseconds(300)
        try await withTemporaryDirectory { dir in
            try await withSimulator(configuration, sims: sims) { simulator in
                async let first = Self.apply(steps, url: simulator.baseURL, journal: dir.appendingPathComponent("a.jsonl").path)
                async let second = Self.apply(steps, url: simulator.baseURL, journal: dir.appendingPathComponent("b.jsonl").path)
                let reports = try await [first, second]
                let effective = Self.effectiveActions(simulator.state)
                #expect(effective.values.allSatisfy { $0 == 1 }, "\(effective)")
                for step in steps {
                    let results = reports.compactMap { report in report.results.first { $0.step == step } }
                    let outcomes = results.map(\.outcome)
                    // Exactly one run sent it; a run whose answer was lost cannot tell whose
                    // job followed, and says so rather than claiming it.
                    let certain = results.filter { $0.outcome == .confirmed && !$0.detail.hasPrefix("no answer") }
                    #expect(certain.count <= 1 && results.contains { $0.outcome == .confirmed }, "\(step.action) \(step.icc): \(results.map(\.detail))")
                    #expect(outcomes.allSatisfy { $0.converged }, "\(step.action) \(step.icc): \(results.map(\.detail))")
                }
            }
        }
    }
}

/// A journal that stops accepting writes (a full disk) stops new steps, and nothing is
/// sent that it did not record.
@Suite struct JournalFailureTests {
    @Test func aJournalThatFillsUpStopsNewStepsAndSaysSo() async throws {
        let (sims, steps, _) = ReconcilerSimulatorTests.fleet(12)
        try await withTemporaryDirectory { dir in
            try await withSimulator(.forTests, sims: sims) { simulator in
                let path = dir.appendingPathComponent("j.jsonl").path
                let journal = try Journal(path: path)
                journal.record("header") { $0.field("steps", steps.count) }
                // From now on every write fails, as on a full disk.
                let full = open("/dev/full", O_WRONLY)
                #expect(dup2(full, journal.descriptor) >= 0)
                close(full)
                let client = try NexConClient(endpoint: NexConConnection(url: simulator.baseURL, key: SimulatorConfiguration.developmentKey),
                                              parallelism: 4, rate: nil)
                let report = try await Reconciler(client: ClientActions(client: client), options: ApplyOptions(), journal: journal, stop: StopFlag())
                    .apply(steps, target: PlanTarget(kind: .simulator, url: simulator.baseURL))
                await client.shutdown()
                #expect(report.journalFailure?.hasPrefix("\(path): writing its intent record failed") == true, "\(String(describing: report.journalFailure))")
                #expect(report.exitCode == 3)
                #expect(report.results.allSatisfy { $0.outcome == .skipped })
                #expect(report.text().hasPrefix("THE JOURNAL IS INCOMPLETE: "))
                #expect(simulator.state.calls.allSatisfy { $0.path.hasSuffix("/status") }, "no action was sent")
            }
        }
    }

    /// Case 6 of the sound-loop issue end to end, on virtual time: jobs that fail and show
    /// no transitional status look exactly like a failure hidden by a lost read. The
    /// reconciler's waits run on an `ImmediateClock`, so ten virtual minutes take
    /// milliseconds, and the simulator's call log shows what it cost.
    @Test func aJobThatFailedUnseenIsSentAgainOnceAndCostsFewReads() async throws {
        var configuration = SimulatorConfiguration.forTests
        configuration.transitional = .none
        configuration.jobFailureRate = 1
        let icc = TestICC.number(1)
        try await withSimulator(configuration, sims: [SimulatedSIM(icc: icc.digits, status: "INACTIVE")]) { simulator in
            try await withTemporaryDirectory { dir in
                let step = Step(icc: icc, name: nil, action: .activate, from: .inactive, to: .active, wave: 1, location: SourceLocation(path: "m.yaml"))
                let client = try NexConClient(endpoint: NexConConnection(url: simulator.baseURL, key: SimulatorConfiguration.developmentKey), parallelism: 1, rate: nil)
                var options = ApplyOptions()
                options.waits.typicalJob = .seconds(1)
                let clock = ImmediateClock()
                let start = clock.now
                let reconciler = Reconciler(client: ClientActions(client: client), options: options, journal: try Journal(path: dir.appendingPathComponent("j.jsonl").path),
                                            stop: StopFlag(), clock: InjectedClock(clock))
                let report = try await reconciler.apply([step], target: PlanTarget(kind: .simulator, url: simulator.baseURL))
                await client.shutdown()
                #expect(report.results.map(\.outcome) == [.failed])
                #expect(report.results.first?.detail.contains("the job most likely failed unseen") == true)
                let calls = simulator.state.calls
                #expect(calls.filter { $0.path.hasSuffix("/activate") }.count == 2, "sent again once")
                let reads = calls.filter { $0.path.hasSuffix("/status") }.count
                #expect(reads < 40, "\(reads) status reads; the budget allows about 2 per virtual second while it waits")
                // Virtual time: two waits of three typical job times, not the 10-minute timeout.
                let elapsed = start.duration(to: clock.now)
                #expect(elapsed < .seconds(20) && elapsed >= .seconds(6), "\(elapsed)")
            }
        }
    }
}

extension InMemoryNexCon {
    /// The simulator's state machine with jobs of `jobTime` on `clock`, and SIMs at `states`.
    convenience init(clock: ImmediateClock<Duration>, jobTime: Duration, states: [ICC: SIMState]) {
        var configuration = SimulatorConfiguration()
        configuration.jobDuration = jobTime
        self.init(sims: states.map { SimulatedSIM(icc: $0.key.digits, status: TestStatus.word($0.value)) }, configuration: configuration,
                  clock: InjectedClock(clock))
    }
}

/// The reconciler's waits on virtual time: what the 8 s end-to-end test showed, decided
/// exactly, in milliseconds.
@Suite struct VirtualTimeTests {
    static let icc = TestICC.number(1)
    static let step = Step(icc: icc, name: "truck-045", action: .block, from: .active, to: .blocked, wave: 1,
                           location: SourceLocation(path: "m.yaml"))

    static func apply(_ api: InMemoryNexCon, clock: ImmediateClock<Duration>, waitTimeout: Duration, in dir: URL, name: String) async throws -> ApplyReport {
        var options = ApplyOptions()
        options.waitTimeout = waitTimeout
        let reconciler = Reconciler(client: api, options: options, journal: try Journal(path: dir.appendingPathComponent(name).path),
                                    stop: StopFlag(), clock: InjectedClock(clock))
        return try await reconciler.apply([step], target: PlanTarget(kind: .simulator, url: "http://127.0.0.1:1"))
    }

    @Test func aJobThatOutlastsTheWaitIsUnknownAndTheNextRunCountsItDone() async throws {
        try await withTemporaryDirectory { dir in
            let clock = ImmediateClock()
            let api = InMemoryNexCon(clock: clock, jobTime: .seconds(8), states: [Self.icc: .active])
            let first = try await Self.apply(api, clock: clock, waitTimeout: .seconds(1), in: dir, name: "a.jsonl")
            #expect(first.results.map(\.outcome) == [.unknown])
            #expect(first.results.first?.detail == "the job did not end within 1.0 seconds; check it later with simfleet plan")
            let second = try await Self.apply(api, clock: clock, waitTimeout: .seconds(600), in: dir, name: "b.jsonl")
            #expect(second.results.map(\.outcome) == [.alreadyDone])
            #expect(second.exitCode == 0)
            #expect(api.actions == ["block \(Self.icc)"], "sent once, over both runs")
        }
    }

    @Test func aJobWithinTheWaitIsConfirmedNearItsEnd() async throws {
        try await withTemporaryDirectory { dir in
            let clock = ImmediateClock()
            let start = clock.now
            let api = InMemoryNexCon(clock: clock, jobTime: .seconds(2), states: [Self.icc: .active])
            let report = try await Self.apply(api, clock: clock, waitTimeout: .seconds(600), in: dir, name: "a.jsonl")
            #expect(report.results.map(\.outcome) == [.confirmed])
            // Reads at most a quarter of the job's age apart: confirmed within half a second.
            let took = start.duration(to: clock.now)
            #expect(took >= .seconds(2) && took <= .milliseconds(2_500), "\(took)")
        }
    }
}

/// Freezes as apply runs: judged as each step is about to be sent, on a wall clock that
/// moves with the reconciler's virtual clock.
@Suite struct FreezeDuringApplyTests {
    static let icc = TestICC.number(7)

    /// Friday 14:59:00 in Copenhagen (UTC+1 in December), a minute before a 15:00 freeze.
    static let start = Date(timeIntervalSince1970: 1_796_392_740)

    @Test func aStepThatReachesAFreezeIsHeldBackAndJournaled() async throws {
        try await withTemporaryDirectory { dir in
            let clock = ImmediateClock()
            let began = clock.now
            // The activate's job takes two minutes: the block after it comes inside the freeze.
            let api = InMemoryNexCon(clock: clock, jobTime: .seconds(120), states: [Self.icc: .inactive])
            var options = ApplyOptions()
            let freeze = PolicyRule(name: "friday freeze", freeze: FreezeWindow(days: [.fri], from: 15 * 60, to: 23 * 60 + 59, timeZone: "Europe/Copenhagen"),
                                    location: SourceLocation(path: "simfleet.yaml", line: 3, column: 5))
            options.policy = Policy(rules: [freeze])
            options.wallClock = { Self.start.addingTimeInterval(Double(began.duration(to: clock.now).components.seconds)) }
            let steps = [
                Step(icc: Self.icc, name: "truck-019", action: .activate, from: .inactive, to: .active, wave: 1, location: SourceLocation(path: "m.yaml")),
                Step(icc: Self.icc, name: "truck-019", action: .block, from: .active, to: .blocked, wave: 2, location: SourceLocation(path: "m.yaml")),
            ]
            let journal = dir.appendingPathComponent("j.jsonl")
            let reconciler = Reconciler(client: api, options: options, journal: try Journal(path: journal.path), stop: StopFlag(), clock: InjectedClock(clock))
            let report = try await reconciler.apply(steps, target: PlanTarget(kind: .simulator, url: "http://127.0.0.1:1"))
            #expect(report.results.map(\.outcome) == [.confirmed, .refused])
            #expect(report.results.last?.detail.hasPrefix("frozen since 15:00 Europe/Copenhagen (fri 15:00–23:59 Europe/Copenhagen)") == true, "\(report.results.last?.detail ?? "")")
            #expect(report.exitCode == 3)
            #expect(api.actions == ["activate \(Self.icc)"], "the block was never sent")
            let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
            let held = try #require(lines.last { $0.contains("\"action\":\"block\"") && $0.contains("\"outcome\"") })
            #expect(held.contains("\"outcome\":\"refused\"") && held.contains("\"rule\":\"friday freeze\""), "\(held)")
        }
    }

    @Test func outsideTheWindowEveryStepIsSent() async throws {
        try await withTemporaryDirectory { dir in
            let clock = ImmediateClock()
            let api = InMemoryNexCon(clock: clock, jobTime: .seconds(1), states: [Self.icc: .active])
            var options = ApplyOptions()
            options.policy = Policy(rules: [PolicyRule(name: "weekend", freeze: FreezeWindow(days: [.sat, .sun], from: 0, to: 23 * 60 + 59, timeZone: "UTC"),
                                                       location: SourceLocation(path: "simfleet.yaml"))])
            options.wallClock = { Self.start }
            let step = Step(icc: Self.icc, name: nil, action: .block, from: .active, to: .blocked, wave: 1, location: SourceLocation(path: "m.yaml"))
            let reconciler = Reconciler(client: api, options: options, journal: try Journal(path: dir.appendingPathComponent("j.jsonl").path),
                                        stop: StopFlag(), clock: InjectedClock(clock))
            let report = try await reconciler.apply([step], target: PlanTarget(kind: .simulator, url: "http://127.0.0.1:1"))
            #expect(report.results.map(\.outcome) == [.confirmed])
        }
    }
}
