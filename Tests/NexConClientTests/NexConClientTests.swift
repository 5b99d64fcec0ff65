import FleetModel
import Foundation
@testable import NexConClient
import Platform
import Synchronization
import NexConSimulator
import Planning
import TestSupport
import Testing

/// The real client against the simulator on loopback, faults on.
@Suite(.timeLimit(.minutes(2))) struct NexConClientTests {
    static func iccs(_ count: Int) -> [ICC] { TestICC.numbers(count) }

    static func fleet(_ iccs: [ICC]) -> [SimulatedSIM] {
        iccs.enumerated().map { index, icc in SimulatedSIM(icc: icc.digits, status: ["ACTIVATED", "BLOCKED", "INACTIVE"][index % 3]) }
    }

    static func client(_ simulator: RunningSimulator, key: String = "dev-key", parallelism: Int = 8, rate: Double? = nil) throws -> NexConClient {
        var retry = RetryPolicy()
        retry.base = .milliseconds(5)
        retry.attempts = 8
        return try NexConClient(endpoint: NexConConnection(url: simulator.baseURL, key: key), parallelism: parallelism, rate: rate, retry: retry)
    }

    static func expectComplete(_ observed: [ICC: Observation], _ iccs: [ICC]) {
        #expect(observed.count == iccs.count)
        for (index, icc) in iccs.enumerated() {
            guard case .status(let word, _) = observed[icc] else {
                Issue.record("\(icc): \(String(describing: observed[icc]))")
                continue
            }
            #expect(word == ["ACTIVATED", "BLOCKED", "INACTIVE"][index % 3])
        }
    }

    @Test func sweepReadsEverySIM() async throws {
        let iccs = Self.iccs(300)
        try await withSimulator(sims: Self.fleet(iccs)) { simulator in
            let client = try Self.client(simulator)
            let progress = StatusSweep.Progress(total: iccs.count)
            let observed = try await StatusSweep.run(iccs, client: client, parallelism: 16, progress: progress)
            await client.shutdown()
            Self.expectComplete(observed, iccs)
            #expect(progress.completed == iccs.count)
        }
    }

    @Test(arguments: [("fail", 0.2), ("drop", 0.2)])
    func sweepSurvivesServerErrorsAndDroppedConnections(fault: String, rate: Double) async throws {
        let iccs = Self.iccs(200)
        var configuration = SimulatorConfiguration.forTests
        if fault == "fail" { configuration.failRate = rate } else { configuration.dropRate = rate }
        try await withSimulator(configuration, sims: Self.fleet(iccs)) { simulator in
            let client = try Self.client(simulator)
            let observed = try await StatusSweep.run(iccs, client: client, parallelism: 8)
            await client.shutdown()
            Self.expectComplete(observed, iccs)
            #expect(simulator.state.calls.count > iccs.count)
        }
    }

    @Test func sweepLearnsTheRateLimitInsteadOfHammering() async throws {
        let iccs = Self.iccs(120)
        var configuration = SimulatorConfiguration.forTests
        configuration.rateLimit = 100
        try await withSimulator(configuration, sims: Self.fleet(iccs)) { simulator in
            let client = try Self.client(simulator, parallelism: 16)
            let observed = try await StatusSweep.run(iccs, client: client, parallelism: 16)
            await client.shutdown()
            Self.expectComplete(observed, iccs)
            let limited = simulator.state.calls.count { $0.code == 429 }
            // Once the limit is known the pace follows it: few 429s, not one per SIM.
            #expect(limited < 20)
            #expect(client.pacer.currentRate == 95)
        }
    }

    @Test func wrongKeyCostsOneCallAndStopsTheSweep() async throws {
        let iccs = Self.iccs(50)
        try await withSimulator(sims: Self.fleet(iccs)) { simulator in
            let client = try Self.client(simulator, key: "wrong-key")
            await #expect(throws: FatalAPIError.self) {
                _ = try await StatusSweep.run(iccs, client: client, parallelism: 16)
            }
            await client.shutdown()
            #expect(simulator.state.calls.count == 1)
            #expect(simulator.state.calls.first?.code == 401)
        }
    }

    @Test func unreachableAPIStopsAfterTheFirstSIM() async throws {
        var retry = RetryPolicy()
        retry.base = .milliseconds(1)
        retry.attempts = 2
        retry.connectTimeout = .milliseconds(200)
        // Port 9 (discard) on loopback: nothing listens there.
        let client = try NexConClient(endpoint: NexConConnection(url: "http://127.0.0.1:9", key: "k"), parallelism: 4, rate: nil, retry: retry)
        let error = await #expect(throws: FatalAPIError.self) {
            _ = try await StatusSweep.run(Self.iccs(10), client: client, parallelism: 4)
        }
        await client.shutdown()
        #expect(error?.description.hasPrefix("cannot read status from http://127.0.0.1:9: cannot connect") == true, "\(String(describing: error))")
    }

    @Test func slowAnswersTimeOutAndAreRetried() async throws {
        let iccs = Self.iccs(2)
        var configuration = SimulatorConfiguration.forTests
        configuration.latency = .milliseconds(600)
        try await withSimulator(configuration, sims: Self.fleet(iccs)) { simulator in
            var retry = RetryPolicy()
            retry.base = .milliseconds(1)
            retry.attempts = 2
            retry.requestTimeout = .milliseconds(150)
            let client = try NexConClient(endpoint: NexConConnection(url: simulator.baseURL, key: "dev-key"), parallelism: 2, rate: nil, retry: retry)
            let observation = try await client.status(of: iccs[0])
            await client.shutdown()
            #expect(observation == .failed("no answer in time (timeout); gave up after 2 attempts"))
        }
    }

    @Test func cancellingACallerStopsItsRequestAtOnce() async throws {
        try await SilentServer.with { port, server in
            var retry = RetryPolicy()
            retry.base = .milliseconds(1)
            retry.attempts = 3
            let client = try NexConClient(endpoint: NexConConnection(url: "http://127.0.0.1:\(port)", key: "dev-key"), parallelism: 2, rate: nil, retry: retry)
            let icc = Self.iccs(1)[0]
            let caller = Task { try await client.status(of: icc) }
            await server.firstConnection()
            caller.cancel()
            // Not the 30 s timeout, and not retried after the cancellation.
            let observed = try await caller.value
            #expect(observed == .failed("the connection was closed before an answer came"), "\(observed)")
            #expect(server.connections == 1)
            await client.shutdown()
        }
    }

    @Test func unknownICCIsNotFoundForThatSIMOnly() async throws {
        let iccs = Self.iccs(3)
        try await withSimulator(sims: Self.fleet(Array(iccs.prefix(2)))) { simulator in
            let client = try Self.client(simulator)
            let observed = try await StatusSweep.run(iccs, client: client, parallelism: 2)
            await client.shutdown()
            #expect(observed[iccs[2]] == .notFound)
            #expect(observed.values.count { if case .status = $0 { true } else { false } } == 2)
        }
    }

    @Test func rateCapIsNeverExceeded() async throws {
        let iccs = Self.iccs(30)
        try await withSimulator(sims: Self.fleet(iccs)) { simulator in
            let client = try Self.client(simulator, parallelism: 16, rate: 50)
            let started = ContinuousClock.now
            _ = try await StatusSweep.run(iccs, client: client, parallelism: 16)
            await client.shutdown()
            // 30 requests at 50/s take at least 29 intervals of 20 ms.
            #expect(ContinuousClock.now - started >= .milliseconds(560))
        }
    }

    @Test(arguments: [
        ("http://example.com", "uses plain http"), ("ftp://example.com", "must start with https://"),
        ("not a url", "is not a valid URL"),
    ])
    func plainHTTPIsRefusedExceptToLoopback(url: String, problem: String) {
        #expect(throws: ConfigurationError.self) { _ = try NexConConnection(url: url, key: "k") }
        do {
            _ = try NexConConnection(url: url, key: "k")
        } catch {
            #expect(error.description.contains(problem))
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:80", "https://app.nexcon.io/"])
    func loopbackHTTPAndHTTPSAreAccepted(url: String) throws {
        let endpoint = try NexConConnection(url: url, key: "k")
        #expect(!endpoint.baseURL.hasSuffix("/"))
        #expect(!endpoint.description.contains("k@"))
    }

    @Test func keyComesFromTheEnvironmentOrAFileAndNeverAFlag() throws {
        #expect(try NexConConnection.key(environment: ["NEXCON_API_KEY": " secret \n"], keyFile: nil) == "secret")
        #expect(throws: ConfigurationError.self) { try NexConConnection.key(environment: [:], keyFile: nil) }
        #expect(throws: ConfigurationError.self) { try NexConConnection.key(environment: [:], keyFile: "/nonexistent") }
    }
}

/// Answers NexCon's documentation leaves open, from a hostile server on loopback.
@Suite struct HostileAnswerTests {
    static let icc = TestICC.number(1)

    /// A 429 with this Retry-After first, then the status.
    static func once429(_ retryAfter: String) -> HostileServer.Route {
        let calls = Mutex(0)
        return { _, _, _ in
            let first = calls.withLock { calls in calls += 1; return calls == 1 }
            return first ? .init(code: 429, headers: [("Retry-After", retryAfter)], body: "{}") : .init(code: 200, body: #"{"status":"ACTIVATED"}"#)
        }
    }

    @Test(arguments: ["inf", "nan", "1e300", "-5", "1.5", "soon", "99999999999", "Wed, 21 Oct 2099 07:28:00 GMT"])
    func anyRetryAfterIsSurvivedAndBounded(value: String) async throws {
        try await HostileServer.with(Self.once429(value)) { url in
            var retry = RetryPolicy()
            retry.maximumRetryWait = .milliseconds(50)
            // The 429 must be read, however loaded the machine: a request deadline that passed
            // under load made the client retry before it, and the 429 went unseen (a flake).
            // The server answers at once, so only a real bug waits this long.
            retry.requestTimeout = .seconds(600)
            retry.connectTimeout = .seconds(600)
            let client = try NexConClient(endpoint: NexConConnection(url: url, key: "k"), parallelism: 1, rate: nil, retry: retry)
            let observed = try await client.status(of: Self.icc, facts: false)
            await client.shutdown()
            guard case .status(let word, _) = observed else { Issue.record("\(observed)"); return }
            #expect(word == "ACTIVATED")
            // Only waits RFC 9110 allows count, and those beyond the cap are reported.
            let capped = ["99999999999", "Wed, 21 Oct 2099 07:28:00 GMT"].contains(value)
            #expect((client.cappedRetryWait != nil) == capped)
        }
    }

    /// A declared limit of zero, a negative one or one past any integer must neither
    /// stall nor crash the pacing.
    @Test(arguments: ["0", "-5", "99999999999999999999", "ten"])
    func oddRateLimitsAreIgnored(value: String) async throws {
        try await HostileServer.with({ _, _, _ in
            .init(code: 200, headers: [("X-RateLimit-Limit", value)], body: #"{"status":"ACTIVATED"}"#)
        }) { url in
            let client = try NexConClient(endpoint: NexConConnection(url: url, key: "k"), parallelism: 4, rate: nil)
            let observed = try await StatusSweep.run(TestICC.numbers(40), client: client, parallelism: 4)
            await client.shutdown()
            #expect(observed.count == 40)
            #expect(client.pacer.currentRate == nil, "no pace was taken from '\(value)'")
        }
    }

    @Test(arguments: [("120", 120.0), (" 3 ", 3.0), ("0", 0.0), ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0)])
    func retryAfterFormsFromRFC9110(value: String, seconds: Double) {
        #expect(RetryAfter.parse(value, now: Date())?.seconds == seconds)
    }
}

/// The key and URL are checked before anything is sent, and never echoed.
@Suite struct EndpointInputTests {
    @Test(arguments: ["abc\u{0}def", "abc\u{1B}[2Jdef", "abc\u{7F}def", "abc\u{85}def"])
    func aKeyWithControlCharactersIsRefused(key: String) {
        #expect {
            _ = try NexConConnection(url: "https://app.nexcon.io", key: key)
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.hasPrefix("the API key contains a control character (U+") && !text.contains("abc")
        }
    }

    @Test func credentialsInTheURLAreRefusedWithoutRepeatingThem() {
        #expect {
            _ = try NexConConnection(url: "https://ops:hunter2@app.nexcon.io", key: "k")
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.contains("holds a user name or password") && !text.contains("hunter2")
        }
    }

    /// A token in the query or fragment would be written into plan files and import headers.
    @Test(arguments: ["https://app.nexcon.io/?token=abc123", "https://app.nexcon.io/#abc123", "https://app.nexcon.io?"])
    func aQueryOrFragmentIsRefusedWithoutRepeatingIt(url: String) {
        #expect {
            _ = try NexConConnection(url: url, key: "k")
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.contains("holds a query or fragment") && !text.contains("abc123")
        }
    }

    @Test func aKeyFileMayBeAPipeAndSavedOnWindows() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data([0xEF, 0xBB, 0xBF] + Array("s3cret-key\r\n".utf8)))
        try pipe.fileHandleForWriting.close()
        var warnings: [String] = []
        let key = try NexConConnection.key(environment: [:], keyFile: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)") { warnings.append($0) }
        #expect(key == "s3cret-key")
        #expect(warnings.isEmpty, "a pipe has no permissions to warn about")
    }

    @Test func aKeyFileThatIsNotUTF8IsAnErrorAndOneOthersCanReadIsWarnedAbout() async throws {
        try await withTemporaryDirectory { dir in
            let latin1 = dir.appendingPathComponent("latin1.key").path
            #expect(FileManager.default.createFile(atPath: latin1, contents: Data([0x63, 0x61, 0x66, 0xE9]), attributes: [.posixPermissions: 0o600]))
            #expect {
                _ = try NexConConnection.key(environment: [:], keyFile: latin1)
            } throws: { error in
                (error as? ConfigurationError)?.description.hasSuffix("latin1.key: line 1 is not valid UTF-8; nothing was sent") == true
            }
            let open = dir.appendingPathComponent("open.key").path
            #expect(FileManager.default.createFile(atPath: open, contents: Data("k".utf8), attributes: [.posixPermissions: 0o644]))
            var warnings: [String] = []
            let key = try NexConConnection.key(environment: [:], keyFile: open) { warnings.append($0) }
            #expect(key == "k")
            #expect(warnings == ["warning: the API key file \(open) can be read by other users; restrict it with 'chmod 600 \(open)'"])
        }
    }

    @Test func aRedirectEndsTheRunWithAClearMessage() async throws {
        try await HostileServer.with({ _, _, _ in
            .init(code: 302, headers: [("Location", "https://evil.example/steal")], body: "")
        }) { url in
            let client = try NexConClient(endpoint: NexConConnection(url: url, key: "k"), parallelism: 1, rate: nil)
            await #expect {
                _ = try await client.status(of: TestICC.number(1))
            } throws: { error in
                (error as? FatalAPIError)?.description == "NexCon redirected to https://evil.example/steal (302); simfleet does not follow redirects, so the key is never sent elsewhere: check --api-url"
            }
            await client.shutdown()
        }
    }
}
