import Synchronization
import Platform

/// Paces requests across all workers: an optional cap, the limit the server declares,
/// and a shared pause after a 429, so repeated 429s slow the whole sweep instead of each
/// request retrying on its own.
public final class Pacer: Sendable {
    struct State {
        /// Requests per second now; nil means as fast as the workers go.
        var rate: Double?
        /// `--rate`, never exceeded.
        var cap: Double?
        /// `X-RateLimit-Limit`, once the server has said it.
        var declared: Double?
        /// Times since the clock was made.
        var nextSlot: Duration
        var pausedUntil: Duration
        var started: Duration
        var sent = 0
        var successes = 0
    }

    private let state: Mutex<State>
    private let clock: InjectedClock

    public init(cap: Double?, clock: InjectedClock = .continuous) {
        self.clock = clock
        let now = clock.now
        state = Mutex(State(rate: cap, cap: cap, nextSlot: now, pausedUntil: now, started: now))
    }

    /// Waits for the next slot.
    public func acquire() async {
        let now = clock.now
        let start = state.withLock { state -> Duration in
            state.sent += 1
            var start = max(now, state.pausedUntil)
            if let rate = state.rate {
                start = max(start, state.nextSlot)
                state.nextSlot = start + .seconds(1 / rate)
            }
            return start
        }
        if start > now { await clock.sleep(for: start - now) }
    }

    /// The server's declared limit becomes the pace, a little under it to leave slack.
    public func observe(declaredLimit: Int?) {
        guard let declaredLimit, declaredLimit > 0 else { return }
        state.withLock { state in
            guard state.declared != Double(declaredLimit) else { return }
            state.declared = Double(declaredLimit)
            state.rate = min(state.cap ?? .infinity, Double(declaredLimit) * 0.95)
        }
    }

    /// A 429: everyone waits `retryAfter`, and without a declared limit the pace halves.
    public func throttled(retryAfter: Duration?) {
        let now = clock.now
        state.withLock { state in
            state.pausedUntil = max(state.pausedUntil, now + (retryAfter ?? .seconds(1)))
            guard state.declared == nil else { return }
            let elapsed = max((now - state.started).seconds, 0.001)
            let current = state.rate ?? Double(state.sent) / elapsed
            state.rate = max(1, current / 2)
            state.successes = 0
        }
    }

    /// Successes win back pace slowly, up to the cap, when the server declared no limit.
    public func succeeded() {
        state.withLock { state in
            guard state.declared == nil, let rate = state.rate else { return }
            state.successes += 1
            if state.successes >= 20 {
                state.successes = 0
                let raised = rate * 1.1
                state.rate = state.cap.map { min($0, raised) } ?? (raised > 1_000_000 ? nil : raised)
            }
        }
    }

    public var currentRate: Double? { state.withLock { $0.rate } }
}

