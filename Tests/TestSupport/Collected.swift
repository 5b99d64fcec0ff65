import Synchronization

/// Values a server or a callback collects, and a wait for the nth: an event, not a time.
public final class Collected<Value: Sendable>: Sendable {
    private let state = Mutex<(all: [Value], waiting: [(count: Int, continuation: CheckedContinuation<Void, Never>)])>(([], []))

    public init() {}

    public func append(_ value: Value) {
        let ready = state.withLock { state in
            state.all.append(value)
            let count = state.all.count
            let ready = state.waiting.filter { $0.count <= count }.map(\.continuation)
            state.waiting.removeAll { $0.count <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    public var all: [Value] { state.withLock { $0.all } }

    /// Returns once `count` values have been collected.
    public func waitFor(count: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.all.count >= count { return true }
                state.waiting.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}
