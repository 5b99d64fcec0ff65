import Foundation
@testable import GitHistory
import TestSupport
import Testing

/// One GitError for every use of git: outside a clone it says what is missing without
/// naming a flag the command does not have; --changed-since says it for itself.
@Suite struct GitErrorTests {
    @Test func outsideAWorkTreeTheMessageFitsEveryCommand() async throws {
        try await withTemporaryDirectory { dir in
            do {
                _ = try Repository.discover(from: dir.path)
                Issue.record("found a work tree in an empty folder")
            } catch {
                #expect(error as? GitError == .notAWorkTree)
            }
            #expect(!GitError.notAWorkTree.description.contains("--changed-since"))
            #expect(GitError.notAWorkTree.forChangedSince.description.hasPrefix("--changed-since needs a git work tree"))
            #expect(GitError("git ls-tree failed").forChangedSince.description == "--changed-since: git ls-tree failed")
            // Holds need no clone: none outside one, and no git started.
            let holds = try Holds.read(from: dir.path)
            #expect(holds.isEmpty)
        }
    }
}
