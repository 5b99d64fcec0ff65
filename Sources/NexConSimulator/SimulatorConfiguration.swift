import Foundation
import Platform

/// Everything the simulator can be told: where to listen, the key, and each assumption
/// about NexCon that the documentation leaves open, so a client can be tested against
/// every answer to it.
public struct SimulatorConfiguration: Sendable {
    /// The key the simulator accepts when none is given.
    public static let developmentKey = "dev-key"

    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8080
    public var apiKey = SimulatorConfiguration.developmentKey
    public var repeatPolicy = Lifecycle.RepeatPolicy.ok
    /// Whether a running job shows a transitional status.
    public var transitional = Lifecycle.TransitionalStatus.shown
    /// How long a job runs before its SIM reaches the final status; zero ends it at once.
    public var jobDuration = Duration.seconds(2)
    /// Share of jobs that fail and put the SIM back where it was.
    public var jobFailureRate = 0.0
    /// Added to every API request, plus up to `latencyJitter` at random.
    public var latency = Duration.zero
    public var latencyJitter = Duration.zero
    /// Requests per second per key; nil means unlimited.
    public var rateLimit: Int?
    /// Share of API requests answered 500 before any state change.
    public var failRate = 0.0
    /// Share of API requests whose connection is closed with no response. For actions, a
    /// coin decides whether the change was made before the drop.
    public var dropRate = 0.0
    /// Where the state is kept across restarts; nil keeps it in memory only.
    public var statePath: String?
    /// Seeds the simulator's random choices, for runs that repeat exactly.
    public var randomSeed: UInt64?
    /// Which callback URLs are really called. Manifests name production hosts; a simulator
    /// run for a test or a demo must not call them.
    public enum CallbackReach: String, CaseIterable, Sendable {
        /// Only loopback hosts; other callbacks are withheld and counted.
        case loopback
        case any
        case none
    }

    public var callbackReach = CallbackReach.loopback
    /// Callback delivery: attempts, first backoff (doubling), and timeout per attempt.
    public var callbackAttempts = 5
    public var callbackBackoff = Duration.milliseconds(200)
    public var callbackTimeout = Duration.seconds(5)
    /// Least time between two writes of the state file; changes in between are coalesced.
    public var stateWriteInterval = Duration.milliseconds(200)
    /// How many of the newest API calls `/_simulator/calls` keeps, so a long-running
    /// simulator's memory stays bounded; older calls are only counted.
    public var callLogLimit = 100_000
    /// Every wait the simulator makes (jobs, latency, callback backoff, state writes) goes
    /// by this clock, and every time it records by `wallClock`; tests give virtual ones.
    public var clock = InjectedClock.continuous
    public var wallClock: @Sendable () -> Date = { Date() }

    public init() {}
}
