import Clocks
import FleetModel
import Foundation
import Manifests
import NexConSimulator
import Operations
import Planning
import Platform
import Reconciler
import TestSupport
import Testing

/// A folder holding a copy of the example manifests, an in-memory NexCon seeded as the
/// simulator seeds itself from them, and the context operations run in on virtual time.
extension ApplyRequest {
    /// One step at a time: on an ImmediateClock every sleeper's pause moves the one shared
    /// `now`, so steps waiting side by side would each see the others' waits as their own
    /// (a job of 30 s would seem to outlast a 10-minute wait). Side-by-side steps are
    /// tested against the simulator on real connections (ReconcilerSimulatorTests).
    static var sequential: ApplyRequest {
        var request = ApplyRequest()
        request.parallelism = 1
        return request
    }
}

struct Bench {
    let folder: URL
    let clock = ImmediateClock()
    let nexCon: InMemoryNexCon
    let console: RecordingConsole

    init(_ folder: URL, configuration: SimulatorConfiguration = Bench.quickJobs, interactive: Bool = false, answers: [String] = [],
         copyExamples: Bool = true) async throws {
        self.folder = folder
        if copyExamples { try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: folder.appendingPathComponent("manifests")) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".simfleet"), withIntermediateDirectories: true)
        let declared = await ManifestLoader.load(paths: [folder.appendingPathComponent("manifests").path]).sims
        nexCon = InMemoryNexCon(sims: Seeds.fromManifests(declared), configuration: configuration, clock: InjectedClock(clock))
        console = RecordingConsole(interactive: interactive, answers: answers)
    }

    /// Jobs of 30 virtual seconds: waited for on the virtual clock, in no real time.
    static var quickJobs: SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.jobDuration = .seconds(30)
        return configuration
    }

    var context: OperationContext {
        OperationContext(console: console, nexCon: nexCon, folder: folder.path, clock: InjectedClock(clock), wallClock: nexCon.wallClock,
                         environment: [:], progress: ProgressSettings(shown: false))
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    var fleet: FleetRequest {
        var fleet = FleetRequest()
        fleet.paths = [path("manifests")]
        fleet.config = path("simfleet.yaml")
        return fleet
    }

    /// Saves a plan of the manifests as plan.json.
    func plan(_ change: (inout PlanRequest) -> Void = { _ in }) async throws -> PlanOperation.Result {
        var request = PlanRequest()
        request.fleet = fleet
        request.out = path("plan.json")
        change(&request)
        return try await said { try await PlanOperation(request, context: context).run() }
    }

    /// Runs an operation expected to succeed; if it stops, what it said is in the failure.
    func said<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Issue.record("stopped (\(error)): \(console.errors.joined(separator: "\n"))")
            throw error
        }
    }

    /// A fresh plan of every SIM, terminations allowed, applied without asking.
    func applyFresh(journal: String) async throws -> ApplyReport {
        var request = ApplyRequest.sequential
        request.fleet = fleet
        request.fleet.terminateAllowance = .all
        request.autoApprove = true
        request.simulator = true
        request.journal = path(journal)
        request.lockPath = path(".simfleet/apply.lock")
        return try await said { try await ApplyOperation(request, context: context).run().report }
    }

    func apply(_ change: (inout ApplyRequest) -> Void = { _ in }) async throws -> ApplyOperation.Result {
        var request = ApplyRequest.sequential
        request.fleet = fleet
        request.planFile = path("plan.json")
        request.simulator = true
        request.journal = path("journal-\(UUID().uuidString).jsonl")
        request.lockPath = path(".simfleet/apply.lock")
        change(&request)
        return try await ApplyOperation(request, context: context).run()
    }

    /// `apply` expected to succeed: if it stops, what it said is in the failure.
    func applied(_ change: (inout ApplyRequest) -> Void = { _ in }) async throws -> ApplyOperation.Result {
        try await said { try await apply(change) }
    }

    /// Runs `body`, which must stop with `status`, and returns what it said.
    func stopped(_ status: Int32, _ body: () async throws -> Void) async -> [String] {
        let before = console.errors.count
        do {
            try await body()
            Issue.record("expected the operation to stop with \(status)")
        } catch let stopped as OperationStopped {
            #expect(stopped.exitStatus == status)
        } catch {
            Issue.record("unexpected \(error)")
        }
        return Array(console.errors.dropFirst(before))
    }

    func replace(_ old: String, with new: String, in name: String) throws {
        let url = folder.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    var effective: [String: Int] { EffectiveActions.count(nexCon.state.calls) }
    var sent: [String] { nexCon.actions }
}

/// Apply's sequences in-process, on virtual time, against the simulator's state machine:
/// what the binary's tests showed, decided without a process, a socket or a real wait.
@Suite struct ApplyOperationTests {
    static let expectedActions = ExampleFleet.expectedActions

    @Test func aSavedPlanConvergesWithEachActionOnceAndAJournalOfIt() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            _ = try await bench.plan { $0.fleet.terminateAllowance = .all }
            let journal = bench.path("journal.jsonl")
            let result = try await bench.applied { $0.fleet.terminateAllowance = .only([ICC(unchecked: "89450100250731070380")]); $0.journal = journal }
            #expect(result.report.exitCode == 0)
            #expect(result.report.count(.confirmed) == 10)
            #expect(Set(bench.effective.keys) == Self.expectedActions)
            #expect(bench.effective.values.allSatisfy { $0 == 1 }, "each action once: \(bench.effective)")
            let records = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n")
            #expect(records.first?.contains("\"type\":\"header\"") == true)
            #expect(records.last?.contains("\"type\":\"summary\"") == true && records.last?.contains("\"confirmed\":10") == true)
            #expect(records.count { $0.contains("\"type\":\"intent\"") } == 10)

            // Applied again, the plan's steps are found done and nothing is sent.
            let again = try await bench.applied { $0.fleet.terminateAllowance = .all }
            #expect(again.report.count(.alreadyDone) == 10)
            #expect(bench.sent.count == 10)
        }
    }

    @Test func aPlanWhoseManifestsChangedIsRefusedWithNothingSent() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            _ = try await bench.plan()
            try bench.replace("    state: blocked\n    note: stolen", with: "    state: active\n    note: stolen", in: "manifests/vehicles/trucks.yaml")
            let said = await bench.stopped(1) { _ = try await bench.apply() }
            #expect(said.contains { $0.contains("plan.json: error: the manifests changed since this plan was made: \(bench.path("manifests/vehicles/trucks.yaml")) (digest ") && $0.hasSuffix("run plan again. Nothing was sent.") }, "\(said)")
            #expect(bench.sent.isEmpty)
        }
    }

    @Test func targetsNarrowASavedPlanToTheirOwnSteps() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            _ = try await bench.plan()
            let none = await bench.stopped(1) {
                _ = try await bench.apply { $0.fleet.targeting = Targeting(iccs: [ICC(unchecked: "89450100250731070141")]) }
            }
            #expect(none.contains { $0.contains("plan.json: error: no step of this plan matches the targets and labels given") }, "\(none)")
            let narrowed = try await bench.applied {
                $0.fleet.targeting = Targeting(iccs: [ICC(unchecked: "89450100250731070513"), ICC(unchecked: "89450100250731070026")], labels: ["fleet": "retired"])
            }
            #expect(narrowed.report.narrowedFrom == 10)
            #expect(narrowed.report.results.count == 2)
            #expect(bench.effective == ["89450100250731070513 activate": 1, "89450100250731070513 block": 1])
        }
    }

    @Test func theBlastRadiusStopsEverythingUnlessForced() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            try "blastRadius: {percent: 12, minimum: 3}\n".write(toFile: bench.path("simfleet.yaml"), atomically: true, encoding: .utf8)
            _ = try await bench.plan()
            let allowed = ICC(unchecked: "89450100250731070380")
            let refused = await bench.stopped(1) { _ = try await bench.apply { $0.fleet.terminateAllowance = .only([allowed]) } }
            #expect(refused.contains { $0.contains("3 disruptive steps (block, terminate) for 20 managed SIMs exceed the blast-radius limit") && $0.hasSuffix("rerun with --force if it is intended.") }, "\(refused)")
            #expect(bench.sent.isEmpty)
            let forced = try await bench.applied { $0.fleet.terminateAllowance = .only([allowed]); $0.force = true }
            #expect(forced.report.exitCode == 0)
            #expect(Set(bench.effective.keys) == Self.expectedActions)
        }
    }

    @Test func aRuleAddedSinceThePlanIsJudgedAgainAndHoldsItsStep() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            _ = try await bench.plan()
            // simfleet.yaml is not part of the plan's digest: a rule written after review still holds.
            try """
                policy:
                  - name: no restores
                    deny: [restore]
                """.write(toFile: bench.path("simfleet.yaml"), atomically: true, encoding: .utf8)
            let result = try await bench.applied()
            #expect(result.report.exitCode == 3)
            #expect(result.report.results.filter { $0.step.action == .restore }.allSatisfy { $0.outcome == .refused })
            #expect(!bench.sent.contains { $0.hasPrefix("restore") })
            #expect(bench.console.errors.contains { $0.hasPrefix("policy rule 'no restores': restore ") && $0.contains("not sent") })
        }
    }

    @Test func failedJobsLeaveTheRunPartialAndTheNextRunFinishesIt() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = Bench.quickJobs
            configuration.jobFailureRate = 1
            let bench = try await Bench(dir, configuration: configuration)
            _ = try await bench.plan()
            let first = try await bench.applied()
            #expect(first.report.exitCode == 3)
            #expect(first.report.count(.failed) > 0)
            // NexCon works again: a fresh plan and apply converge, and nothing is sent twice
            // that took effect once.
            let healthy = InMemoryNexCon(sims: bench.nexCon.state.snapshot().sims, configuration: Bench.quickJobs, clock: InjectedClock(bench.clock))
            var context = bench.context
            context.nexCon = healthy
            var plan = PlanRequest()
            plan.fleet = bench.fleet
            plan.out = bench.path("plan.json")
            _ = try await PlanOperation(plan, context: context).run()
            var again = ApplyRequest.sequential
            again.fleet = bench.fleet
            again.planFile = bench.path("plan.json")
            again.simulator = true
            again.journal = bench.path("second.jsonl")
            again.lockPath = bench.path(".simfleet/apply.lock")
            let second = try await ApplyOperation(again, context: context).run()
            #expect(second.report.exitCode == 4, "converged but for the termination awaiting --allow-terminate")
            #expect(EffectiveActions.count(healthy.state.calls).values.allSatisfy { $0 == 1 })
        }
    }

    @Test func aSecondApplyInTheSameFolderStopsAtOnce() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            _ = try await bench.plan()
            let held = try ApplyLock(path: bench.path(".simfleet/apply.lock"))
            let said = await bench.stopped(1) { _ = try await bench.apply() }
            #expect(said.contains { $0.contains("another apply is running in this folder") && $0.hasSuffix("Nothing was sent.") }, "\(said)")
            #expect(bench.sent.isEmpty)
            withExtendedLifetime(held) {}
        }
    }

    @Test(arguments: [("no", false), ("yes", true)])
    func aFreshPlanIsSentOnlyAfterYes(answer: String, sends: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir, interactive: true, answers: [answer])
            var request = ApplyRequest.sequential
            request.fleet = bench.fleet
            request.simulator = true
            request.journal = bench.path("j.jsonl")
            request.lockPath = bench.path(".simfleet/apply.lock")
            let run = { try await ApplyOperation(request, context: bench.context).run() }
            if sends {
                let result = try await run()
                #expect(result.report.exitCode == 4)
                #expect(bench.sent.count == 9)
            } else {
                let said = await bench.stopped(1) { _ = try await run() }
                #expect(said.last == "Apply cancelled. Nothing was sent.")
                #expect(bench.sent.isEmpty)
            }
            #expect(bench.console.errors.contains { $0.contains("Apply these 9 steps? Only 'yes' will be accepted:") })
            #expect(bench.console.output.contains("Plan:"), "the plan is shown before the question")
        }
    }

    @Test func withoutATerminalAFreshPlanNeedsAutoApprove() async throws {
        try await withTemporaryDirectory { dir in
            let bench = try await Bench(dir)
            var request = ApplyRequest.sequential
            request.fleet = bench.fleet
            request.lockPath = bench.path(".simfleet/apply.lock")
            let said = await bench.stopped(1) { _ = try await ApplyOperation(request, context: bench.context).run() }
            #expect(said == ["error: apply without a plan file asks for approval, and there is no terminal to ask on; pass --auto-approve, or apply a saved plan. Nothing was sent."])
            #expect(bench.nexCon.state.calls.isEmpty, "not even a status read")
        }
    }

    @Test func aFreezeThatBeginsDuringTheRunHoldsTheStepsAfterIt() async throws {
        try await withTemporaryDirectory { dir in
            // Jobs of ten minutes: the block after truck-045's activation comes past 15:00.
            var configuration = SimulatorConfiguration()
            configuration.jobDuration = .seconds(600)
            let bench = try await Bench(dir, configuration: configuration)
            // The virtual wall clock starts at 2026-12-04 (a Friday) 14:55 UTC.
            try """
                policy:
                  - name: friday freeze
                    freeze: {days: [fri], from: "15:00", to: "23:59", timezone: UTC}
                """.write(toFile: bench.path("simfleet.yaml"), atomically: true, encoding: .utf8)
            _ = try await bench.plan()
            // Wave 1 side by side: all of it is sent at 14:55, before the freeze; the block
            // in wave 2 waits for truck-045's ten-minute activation.
            let result = try await bench.applied { $0.parallelism = 16 }
            let held = result.report.results.filter { $0.outcome == .refused }
            #expect(held.map(\.step.action) == [.block], "\(result.report.results.map { "\($0.step.action) \($0.outcome)" })")
            #expect(held.first?.detail.hasPrefix("frozen since 15:00 UTC") == true, "\(held.first?.detail ?? "")")
            #expect(!bench.sent.contains("block 89450100250731070513"))
        }
    }

    /// Every job fails: the failures are reported as such, a SIM's next step is skipped,
    /// and the termination is held back; nothing is sent twice.
    @Test func failedJobsAreReportedAndHoldBackTheTermination() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = Bench.quickJobs
            configuration.jobFailureRate = 1
            let bench = try await Bench(dir, configuration: configuration)
            let report = try await bench.applyFresh(journal: "j.jsonl")
            #expect(report.exitCode == 3)
            func detail(_ action: SIMAction, _ icc: String) -> String? {
                report.results.first { $0.step.action == action && $0.step.icc.digits == icc }.map { "\($0.outcome.rawValue): \($0.detail)" }
            }
            #expect(detail(.block, "89450100250731070026") == "failed: the job failed: the SIM went back to active")
            #expect(detail(.terminate, "89450100250731070380")?.hasPrefix("held-back: held back: terminations run only when every other step succeeded") == true)
            #expect(detail(.block, "89450100250731070513") == "skipped: not started: this SIM's activate step ended failed")
            #expect(!bench.sent.contains { $0.hasPrefix("terminate") })
            #expect(bench.effective.values.allSatisfy { $0 == 1 })
        }
    }

    /// NexCon may show no transitional status: the SIM keeps its old status until the job
    /// ends. Apply waits for the job rather than calling it failed, and a re-run sends nothing.
    @Test func anAPIWithoutTransitionalStatusesIsWaitedOutAndNeverSentTwice() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = Bench.quickJobs
            configuration.transitional = .none
            let bench = try await Bench(dir, configuration: configuration)
            let first = try await bench.applyFresh(journal: "a.jsonl")
            #expect(first.exitCode == 0 && first.count(.confirmed) == 10, "\(first.results.map(\.detail))")
            let again = try await bench.applyFresh(journal: "b.jsonl")
            #expect(again.results.isEmpty)
            #expect(Set(bench.effective.keys) == Self.expectedActions)
            #expect(bench.effective.values.allSatisfy { $0 == 1 }, "\(bench.effective)")
        }
    }
}
