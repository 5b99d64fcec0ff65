import NexConAPI
@testable import NexConSimulator
import Testing
import FleetModel

@Suite struct LifecycleTests {
    typealias Row = (status: String, action: SIMAction, decision: Lifecycle.Decision)

    static func start(_ from: String, _ during: String, _ to: String) -> Lifecycle.Decision {
        .start(.init(from: from, during: during, to: to))
    }

    static func invalid(_ action: SIMAction, _ status: String) -> Lifecycle.Decision {
        .conflict(code: "invalid_transition", message: "cannot \(action.rawValue) a SIM in status \(status)")
    }

    /// Every status the simulator produces, and one it does not know, against every action.
    static let table: [Row] = [
        ("INACTIVE", .activate, start("INACTIVE", "ACTIVATING", "ACTIVATED")),
        ("INACTIVE", .block, invalid(.block, "INACTIVE")),
        ("INACTIVE", .restore, invalid(.restore, "INACTIVE")),
        ("INACTIVE", .terminate, start("INACTIVE", "TERMINATING", "TERMINATED")),
        ("ACTIVATED", .activate, .alreadyThere),
        ("ACTIVATED", .block, start("ACTIVATED", "BLOCKING", "BLOCKED")),
        ("ACTIVATED", .restore, .alreadyThere),
        ("ACTIVATED", .terminate, start("ACTIVATED", "TERMINATING", "TERMINATED")),
        ("BLOCKED", .activate, invalid(.activate, "BLOCKED")),
        ("BLOCKED", .block, .alreadyThere),
        ("BLOCKED", .restore, start("BLOCKED", "RESTORING", "ACTIVATED")),
        ("BLOCKED", .terminate, start("BLOCKED", "TERMINATING", "TERMINATED")),
        ("TERMINATED", .activate, invalid(.activate, "TERMINATED")),
        ("TERMINATED", .block, invalid(.block, "TERMINATED")),
        ("TERMINATED", .restore, invalid(.restore, "TERMINATED")),
        ("TERMINATED", .terminate, .alreadyThere),
        ("SUSPENDED", .activate, invalid(.activate, "SUSPENDED")),
        ("SUSPENDED", .terminate, invalid(.terminate, "SUSPENDED")),
    ]

    @Test(arguments: table.indices)
    func transitionWithRepeatOK(index: Int) {
        let row = Self.table[index]
        #expect(Lifecycle.decide(row.action, status: row.status, jobPending: false, repeat: .ok) == row.decision)
    }

    @Test(arguments: table.indices)
    func repeatConflictTurnsAlreadyThereInto409(index: Int) {
        let row = Self.table[index]
        let decision = Lifecycle.decide(row.action, status: row.status, jobPending: false, repeat: .conflict)
        if row.decision == .alreadyThere {
            #expect(decision == Self.invalid(row.action, row.status))
        } else {
            #expect(decision == row.decision)
        }
    }

    @Test(arguments: SIMAction.allCases)
    func pendingJobRefusesEveryAction(action: SIMAction) {
        let decision = Lifecycle.decide(action, status: "ACTIVATING", jobPending: true, repeat: .ok)
        guard case .conflict(let code, _) = decision else {
            Issue.record("expected a conflict, got \(decision)")
            return
        }
        #expect(code == "job_pending")
    }
}

@Suite struct RateLimiterTests {
    @Test func allowsABurstThenRefillsAtTheLimit() {
        let limiter = RateLimiter(limit: 10)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.take(key: "k", now: start).allowed) }
        let refused = limiter.take(key: "k", now: start)
        #expect(!refused.allowed)
        #expect(refused.remaining == 0)
        #expect(refused.retryAfter == 1)
        #expect(limiter.take(key: "k", now: start + .milliseconds(100)).allowed)
        #expect(!limiter.take(key: "k", now: start + .milliseconds(100)).allowed)
        // Another key has its own bucket.
        #expect(limiter.take(key: "other", now: start).allowed)
    }
}

@Suite struct ActionBodyTests {
    @Test(arguments: [
        (#"{"icc":"89450100250731069754"}"#, "89450100250731069754", nil),
        (#" { "icc" : "1" , "callbackUrl" : "https://x/y" } "#, "1", "https://x/y"),
        (#"{"callbackUrl":null,"icc":"1","extra":{"z":[1]}}"#, "1", nil),
        (#"{"icc":"a\"b\u00e9"}"#, "a\"bé", nil),
    ] as [(String, String, String?)])
    func readsBodies(text: String, icc: String, callback: String?) throws {
        let body = try SimulatedAPI.ActionBody(json: Array(text.utf8))
        #expect(body.icc == icc)
        #expect(body.callbackUrl == callback)
    }

    /// Each refusal says what the client must fix.
    @Test(arguments: [
        (#"{"icc":1}"#, "'icc' must be a string"), (#"{"icc":null}"#, "'icc' must be a string"), (#"{}"#, "'icc' is required"),
        (#"[]"#, "the body must be a JSON object"), (#"{"icc":"1""#, "the body is not valid JSON"), ("", "the body is not valid JSON"),
        ("nul", "the body is not valid JSON"), (#"{"icc":"1","callbackUrl":5}"#, "'callbackUrl' must be a string"),
    ])
    func refusesWhatIsNotABody(text: String, message: String) {
        #expect { try SimulatedAPI.ActionBody(json: Array(text.utf8)) } throws: { ($0 as? APIError)?.message == message && ($0 as? APIError)?.status == .badRequest }
    }
}

@Suite struct BearerTests {
    @Test(arguments: [
        ("bearer dev-key", "dev-key"), ("Bearer dev-key", "dev-key"), ("BEARER  dev-key ", "dev-key"),
        ("Basic dev-key", nil), ("bearer", nil), ("bearerdev-key", nil), ("", nil),
    ] as [(String, String?)])
    func bearerKey(header: String, key: String?) {
        #expect(SimulatedAPI.bearerKey(header).map(String.init) == key)
    }
}
