import Foundation
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Waits for a file a child process writes (a journal) to say something, woken by the
/// kernel's inotify events rather than by polling on a clock, on a thread of its own so a
/// busy test process cannot delay it. `then` runs on that thread as soon as the text is
/// there: a signal sent from it lands while the child is where the test expects it.
public enum FileEvents {
    /// Returns true once the file at `path` holds `text` (it may not exist yet), or false if
    /// the watch could not be set up or `limit` events passed without it.
    public static func wait(for path: String, toContain text: String, count: Int = 1, limit: Int = 1_000_000,
                            then action: @escaping @Sendable () -> Void = {}) async -> Bool {
        (try? await onOwnThread { () -> Bool in
            let found = watch(path, text: text, count: count, limit: limit)
            if found { action() }
            return found
        }) ?? false
    }

    private static func holds(_ path: String, _ text: String, count: Int) -> Bool {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return contents.components(separatedBy: text).count - 1 >= count
    }

    private static func watch(_ path: String, text: String, count: Int, limit: Int) -> Bool {
        #if canImport(Glibc)
        let descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let folder = PathName.parent(of: path)
        guard inotify_add_watch(descriptor, folder, UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO)) >= 0 else { return false }
        // Checked after the watch is in place, so a write in between is never missed.
        if holds(path, text, count: count) { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<limit {
            let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard read > 0 else { return false }
            if holds(path, text, count: count) { return true }
        }
        return false
        #else
        return false
        #endif
    }
}

/// Runs blocking test work (waiting for a child process, a file event) on a new thread,
/// never the cooperative pool's and never queued behind other tests' waits, as
/// `Blocking`'s bound would queue them.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }.start()
    }
}
