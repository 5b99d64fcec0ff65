import Foundation
import Synchronization

/// The one way simfleet runs blocking work (a git process, a large file read) from async
/// code: on threads of its own, never the cooperative pool's, with at most `maximumThreads`
/// at once, so a burst of waits neither starves the pool nor starts hundreds of threads.
public enum Blocking {
    public static let maximumThreads = 8

    private static let slots = Slots(maximumThreads)

    /// Runs `work` off the cooperative pool and returns what it returns or throws.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await result { () throws(any Error) -> T in try work() }.get()
    }

    /// The same with a typed error, as a result.
    public static func result<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async -> Result<T, E> {
        await slots.acquire()
        defer { slots.release() }
        // A thread of its own: Dispatch's pool adds a thread only about once a second while
        // all of its threads wait, so blocking work there would queue behind itself.
        return await withCheckedContinuation { continuation in
            Thread {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }.start()
        }
    }

    /// A counting semaphore for async callers: waiters queue in order.
    final class Slots: Sendable {
        private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

        init(_ count: Int) { state = Mutex((count, [])) }

        func acquire() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.free > 0 { state.free -= 1; return true }
                    state.waiting.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }

        func release() {
            let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if state.waiting.isEmpty { state.free += 1; return nil }
                return state.waiting.removeFirst()
            }
            next?.resume()
        }
    }
}
