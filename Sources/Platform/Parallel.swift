import Foundation

/// The one way simfleet spreads CPU-bound work (decoding manifests, rendering JSON) over
/// the cores. Indices are handed out one at a time to one thread a core as each finishes
/// its last, so a large file near the end keeps one core busy, never all of them idle.
public enum Parallel {
    /// `body(0) ... body(count - 1)`, in that order, computed on every core. Blocks the caller.
    public static func map<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        let slots = Slots(results)
        withoutActuallyEscaping(body) { body in
            let shared = SharedBody(body)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots.buffer[index] = shared.body(index)
            }
        }
        return results.map { $0! }
    }

    /// The same from async code: the calling task waits while other threads work, so the
    /// cooperative pool is never blocked.
    public static func map<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        await Blocking.result { () throws(Never) -> [T] in map(count, body) }.get()
    }

    /// Each index is written by exactly one thread, and read only after all have finished.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
        init(_ buffer: UnsafeMutableBufferPointer<T?>) { self.buffer = buffer }
    }

    /// The body is called from several threads at once; callers give one that is safe to.
    private struct SharedBody<T>: @unchecked Sendable {
        let body: (Int) -> T
        init(_ body: @escaping (Int) -> T) { self.body = body }
    }
}
