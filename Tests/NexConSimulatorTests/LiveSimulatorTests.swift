import AsyncHTTPClient
import Clocks
import Foundation
import Hummingbird
import NexConAPI
import NexConSimulator
import NIOCore
import Platform
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

/// The simulator over real HTTP on loopback.
@Suite(.timeLimit(.minutes(2))) struct LiveSimulatorTests {
    static let icc = "89450100250731069754"
    static let other = "89450100250731069812"
    static let fleet = [SimulatedSIM(icc: icc, status: "ACTIVATED"), SimulatedSIM(icc: other, status: "INACTIVE")]

    static func status(_ simulator: RunningSimulator, _ icc: String = icc) async throws -> String? {
        try await send("\(simulator.baseURL)/api/v1/simcard/status", body: #"{"icc":"\#(icc)"}"#).json["status"] as? String
    }

    /// The job engine on a test clock: the job ends when the clock passes its end, however
    /// long the machine takes to get there.
    @Test func jobShowsTheTransitionalStatusUntilItsDurationHasPassed() async throws {
        let clock = TestClock()
        let epoch = Date(timeIntervalSince1970: 1_796_396_100)
        var configuration = SimulatorConfiguration.forTests
        configuration.jobDuration = .seconds(30)
        let injected = InjectedClock(clock)
        configuration.clock = injected
        configuration.wallClock = { epoch.addingTimeInterval(injected.now.seconds) }
        try await withSimulator(configuration, sims: Self.fleet) { simulator in
            let reply = try await send("\(simulator.baseURL)/api/v1/simcard/block", body: #"{"icc":"\#(Self.icc)"}"#)
            #expect(reply.status == 200)
            #expect(reply.json["status"] as? String == "BLOCKING")
            await clock.advance(by: .seconds(29))
            #expect(try await Self.status(simulator) == "BLOCKING")
            await clock.advance(by: .seconds(2))
            await simulator.state.waitUntil { $0.status(of: Self.icc)?.status == "BLOCKED" }
            #expect(simulator.state.calls.first?.time == epoch, "calls are stamped by the wall clock given")
        }
    }

    @Test func failedJobPutsTheSIMBack() async throws {
        var configuration = SimulatorConfiguration.forTests
        configuration.jobFailureRate = 1
        configuration.jobDuration = .milliseconds(50)
        try await withSimulator(configuration, sims: Self.fleet) { simulator in
            let reply = try await send("\(simulator.baseURL)/api/v1/simcard/activate", body: #"{"icc":"\#(Self.other)"}"#)
            #expect(reply.json["status"] as? String == "ACTIVATING")
            await simulator.state.waitUntil { $0.status(of: Self.other)?.status == "INACTIVE" }
            #expect(simulator.state.runningJobs.isEmpty)
            // The audit log says the job failed, so a second activate would not be a duplicate.
            let log = try await send("\(simulator.baseURL)/_simulator/calls", method: "GET").json
            let failed = log["failedJobs"] as? [[String: Any]] ?? []
            #expect(failed.count == 1 && failed.first?["icc"] as? String == Self.other && failed.first?["action"] as? String == "activate")
        }
    }

    @Test func callbacksAreDeliveredAndRetriedUntilAccepted() async throws {
        let receiver = CallbackReceiver(refuseFirst: 2)
        try await receiver.run { callbackURL in
            try await withSimulator(sims: Self.fleet) { simulator in
                let reply = try await send("\(simulator.baseURL)/api/v1/simcard/block",
                                           body: #"{"icc":"\#(Self.icc)","callbackUrl":"\#(callbackURL)"}"#)
                let jobId = try #require(reply.json["jobId"] as? String)
                await receiver.waitUntilAccepted(1)
                let callback = try #require(receiver.accepted.first)
                #expect(callback.jobId == jobId)
                #expect(callback.icc == Self.icc)
                #expect(callback.action == .block)
                #expect(callback.status == "BLOCKED")
                #expect(callback.success)
                #expect(receiver.attempts == 3)
            }
        }
    }

    @Test func callbacksToOtherHostsAreWithheldByDefault() async throws {
        try await withSimulator(sims: Self.fleet) { simulator in
            let reply = try await send("\(simulator.baseURL)/api/v1/simcard/block",
                                       body: #"{"icc":"\#(Self.icc)","callbackUrl":"https://ops.example.com/nexcon-jobs"}"#)
            #expect(reply.status == 200)
            await simulator.state.waitUntil { $0.withheldCallbacks == 1 }
        }
    }

    @Test func callbackGivesUpAfterFiveAttempts() async throws {
        let receiver = CallbackReceiver(refuseFirst: 100)
        try await receiver.run { callbackURL in
            try await withSimulator(sims: Self.fleet) { simulator in
                _ = try await send("\(simulator.baseURL)/api/v1/simcard/block",
                                   body: #"{"icc":"\#(Self.icc)","callbackUrl":"\#(callbackURL)"}"#)
                // The sender says when it gives up: then exactly five attempts were made.
                await simulator.state.waitUntil { $0.abandonedCallbacks == 1 }
                #expect(receiver.attempts == 5)
            }
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        var configuration = SimulatorConfiguration.forTests
        configuration.rateLimit = 5
        try await withSimulator(configuration, sims: Self.fleet) { simulator in
            var codes: [Int] = []
            var limited: Reply?
            var allowed: Reply?
            // A full bucket allows the first 5 whatever the clock; a 429 then comes unless the
            // requests trickle slower than 5 a second, so send until it does, within a bound.
            for _ in 0..<200 where limited == nil {
                let reply = try await send("\(simulator.baseURL)/api/v1/simcard/status", body: #"{"icc":"\#(Self.icc)"}"#)
                codes.append(reply.status)
                if reply.status == 429 { limited = reply } else if allowed == nil { allowed = reply }
            }
            // Allowed answers say the limit too, so a client can pace itself before it is refused.
            #expect(allowed?.headers["x-ratelimit-limit"] == "5")
            #expect(allowed?.headers["x-ratelimit-remaining"] == "4")
            #expect(codes.prefix(5).allSatisfy { $0 == 200 })
            #expect(codes.contains(429))
            let reply = try #require(limited)
            #expect(reply.headers["retry-after"] == "1")
            #expect(reply.headers["x-ratelimit-limit"] == "5")
            #expect(reply.headers["x-ratelimit-remaining"] == "0")
            #expect(reply.headers["x-ratelimit-reset"] != nil)
            #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "rate_limited")
        }
    }

    @Test func droppedActionsTakeEffectOrNotAndTheLogSaysWhich() async throws {
        var configuration = SimulatorConfiguration.forTests
        configuration.dropRate = 1
        let iccs = TestICC.numbers(12).map(\.digits)
        let fleet = iccs.map { SimulatedSIM(icc: $0, status: "ACTIVATED") }
        try await withSimulator(configuration, sims: fleet) { simulator in
            for icc in iccs {
                await #expect(throws: (any Error).self) {
                    _ = try await send("\(simulator.baseURL)/api/v1/simcard/block", body: #"{"icc":"\#(icc)"}"#)
                }
            }
            let calls = simulator.state.calls
            #expect(calls.count == 12)
            #expect(calls.allSatisfy { $0.code == nil })
            // Both outcomes happen, and each matches the SIM's real state.
            #expect(calls.contains { $0.applied == true } && calls.contains { $0.applied == false })
            let statuses = Dictionary(uniqueKeysWithValues: simulator.state.snapshot().sims.map { ($0.icc, $0.status) })
            for call in calls {
                #expect(statuses[call.icc!] == (call.applied == true ? "BLOCKED" : "ACTIVATED"))
                #expect((call.jobId != nil) == (call.applied == true))
            }
        }
    }

    @Test func stateSurvivesARestartIncludingRunningJobs() async throws {
        try await withTemporaryDirectory { dir in
            var configuration = SimulatorConfiguration.forTests
            configuration.statePath = dir.appendingPathComponent("state.json").path
            // An hour-long job is certainly still running at shutdown, however busy the machine.
            configuration.jobDuration = .seconds(3600)
            try await withSimulator(configuration, sims: Self.fleet) { simulator in
                let reply = try await send("\(simulator.baseURL)/api/v1/simcard/terminate", body: #"{"icc":"\#(Self.icc)"}"#)
                #expect(reply.json["status"] as? String == "TERMINATING")
            }
            // The file was written on the way out, with the job still running.
            var saved = try StateFile.read(configuration.statePath!)
            let index = try #require(saved.firstIndex { $0.icc == Self.icc })
            #expect(saved[index].job?.action == .terminate)
            // A restarted simulator knows the SIMs from the file and finishes the job when its
            // time comes: here, at once.
            saved[index].job?.finishesAt = Date()
            try await withSimulator(configuration, sims: saved) { simulator throws in
                await simulator.state.waitUntil { $0.status(of: Self.icc)?.status == "TERMINATED" }
                let other = try await Self.status(simulator, Self.other)
                #expect(other == "INACTIVE")
            }
            let final = try StateFile.read(configuration.statePath!)
            #expect(final.first { $0.icc == Self.icc }?.status == "TERMINATED")
            #expect(final.first { $0.icc == Self.icc }?.job == nil)
        }
    }

    @Test func latencyDelaysEveryRequest() async throws {
        var configuration = SimulatorConfiguration.forTests
        configuration.latency = .milliseconds(150)
        try await withSimulator(configuration, sims: Self.fleet) { simulator in
            let started = ContinuousClock.now
            _ = try await Self.status(simulator)
            #expect(ContinuousClock.now - started >= .milliseconds(150))
        }
    }
}

/// A small HTTP server that receives job callbacks, refusing the first few with 500.
final class CallbackReceiver: Sendable {
    private let log = Mutex(0)
    private let received = Collected<JobCallback>()

    /// Returns once `count` callbacks were accepted.
    func waitUntilAccepted(_ count: Int) async { await received.waitFor(count: count) }
    let refuseFirst: Int

    init(refuseFirst: Int) { self.refuseFirst = refuseFirst }

    var attempts: Int { log.withLock { $0 } }
    var accepted: [JobCallback] { received.all }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, context -> HTTPResponse.Status in
            let callback = try await request.decode(as: JobCallback.self, context: context)
            let attempt = self.log.withLock { attempts in
                attempts += 1
                return attempts
            }
            guard attempt > self.refuseFirst else { return .internalServerError }
            self.received.append(callback)
            return .ok
        }
        let (ports, found) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { found.yield($0.localAddress?.port ?? 0); found.finish() },
                              logger: SimulatorLog.quiet)
        let group = ServiceGroup(configuration: .init(services: [app], logger: SimulatorLog.quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            defer { Task { await group.triggerGracefulShutdown() } }
            try await body("http://127.0.0.1:\(port)/hook")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
