import Foundation
@testable import Reconciler
import TestSupport
import Testing

/// The apply lock is free again the moment its holder ends, even while a program started
/// meanwhile still holds a copy of its descriptor (between fork and exec).
@Suite struct ApplyLockTests {
    @Test func aReleasedLockCanBeTakenAgainWhileAChildHoldsACopy() async throws {
        try await withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(".simfleet"), withIntermediateDirectories: true)
            let path = dir.appendingPathComponent(".simfleet/apply.lock").path
            var lock: ApplyLock? = try ApplyLock(path: path)
            // A child with a copy of the lock's open file (dup2 clears close-on-exec), as a
            // program started by another thread has until it execs; it waits to be killed.
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, lock!.descriptor, 10)
            var child: pid_t = 0
            let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("600"), nil]
            defer { arguments.forEach { free($0) } }
            #expect(posix_spawn(&child, "/bin/sleep", &actions, nil, arguments, nil) == 0)
            defer {
                kill(child, SIGKILL)
                var status: Int32 = 0
                waitpid(child, &status, 0)
            }
            #expect(throws: ApplyLockError.self) { _ = try ApplyLock(path: path) }
            lock = nil
            #expect(throws: Never.self) { _ = try ApplyLock(path: path) }
        }
    }
}
