import FleetModel
import Foundation
import Platform
import Synchronization

/// How far an apply has got, updated by the reconciler and read by a progress line.
public final class ApplyProgress: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var total: Int
        public var waves: Int
        public var wave = 0
        public var done = 0
        /// Finished without converging: failed, unknown, stale, held back, refused, skipped.
        public var failed = 0
        public var inFlight = 0

        public init(total: Int, waves: Int) {
            self.total = total
            self.waves = waves
        }
    }

    private let state: Mutex<Snapshot>

    public init(total: Int, waves: Int) {
        state = Mutex(Snapshot(total: total, waves: waves))
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func waveStarted(_ number: Int) { state.withLock { $0.wave = number } }
    func started() { state.withLock { $0.inFlight += 1 } }

    /// A step that ended; `wasRunning` when it had been started, not decided up front.
    func finished(converged: Bool, wasRunning: Bool) {
        state.withLock {
            if wasRunning { $0.inFlight -= 1 }
            $0.done += 1
            if !converged { $0.failed += 1 }
        }
    }
}
