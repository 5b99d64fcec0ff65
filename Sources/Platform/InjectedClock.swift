/// A clock as simfleet's waits use it (apply's job waits and backoff, the client's
/// pacing): time since it was made, and sleeping. Any `Clock<Duration>` will do, so tests
/// drive it with swift-clocks' `TestClock` or `ImmediateClock`.
public struct InjectedClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    public static var continuous: InjectedClock { InjectedClock(ContinuousClock()) }

    /// Time since this clock was made.
    public var now: Duration { elapsed() }

    /// Sleeps; a cancelled sleep ends early, as `Task.sleep` does.
    public func sleep(for duration: Duration) async {
        try? await sleeper(duration)
    }
}
