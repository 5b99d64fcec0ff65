import FleetModel
import Foundation
@testable import GitHistory
import Planning
import TestSupport
import Testing

/// Who declared each SIM's state: a real repository with a squash-merged commit, a merged
/// pull request, a line edited in the work tree and a file git does not track yet.
@Suite struct BlameTests {
    static func repository() throws -> GitRepository {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("simfleet-blame-\(UUID().uuidString)")
        return try GitRepository(at: root)
    }

    static func commit(_ repo: GitRepository, _ message: String, author: String, date: String) throws {
        try repo.run(["add", "-A"])
        try repo.run(["-c", "user.name=\(author)", "-c", "user.email=x@example.invalid", "commit", "-q", "--no-gpg-sign",
                      "--author", "\(author) <x@example.invalid>", "--date", date, "-m", message])
    }

    @Test func eachDecidingLineNamesItsCommitAuthorDateAndPullRequest() async throws {
        let repo = try Self.repository()
        defer { try? FileManager.default.removeItem(at: repo.root) }
        try repo.write("m/a.yaml", "version: 1\ndefaults:\n  state: active\nsims:\n  - icc: \"1\"\n  - icc: \"2\"\n    state: blocked\n")
        try Self.commit(repo, "Add the fleet (#7)", author: "Ann Author", date: "2026-11-20T14:03:00+01:00")
        // A pull request merged with a merge commit: the commit names no number, the merge does.
        try repo.run(["checkout", "-q", "-b", "feature"])
        try repo.write("m/a.yaml", "version: 1\ndefaults:\n  state: active\nsims:\n  - icc: \"1\"\n  - icc: \"2\"\n    state: active\n")
        try Self.commit(repo, "Restore unit 2", author: "Bo Builder", date: "2026-11-21T09:00:00-05:00")
        try repo.run(["checkout", "-q", "main"])
        try repo.run(["-c", "user.name=m", "-c", "user.email=m@example.invalid", "merge", "-q", "--no-ff", "--no-gpg-sign",
                      "-m", "Merge pull request #9 from team/feature", "feature"])
        // Not committed: a new file, and nothing else changed in a.yaml.
        try repo.write("m/new.yaml", "version: 1\nsims:\n  - {icc: \"3\", state: active}\n")
        let a = repo.root.appendingPathComponent("m/a.yaml").path
        let new = repo.root.appendingPathComponent("m/new.yaml").path
        let explained = await Blame.explain([
            Fleet.icc(1): SourceLocation(path: a, line: 3, column: 10),
            Fleet.icc(2): SourceLocation(path: a, line: 7, column: 12),
            Fleet.icc(3): SourceLocation(path: new, line: 3, column: 23),
        ], from: repo.root.path)
        #expect(explained.unavailable == nil)
        let first = try #require(explained.declared[Fleet.icc(1)]?.commit)
        #expect(first.author == "Ann Author")
        #expect(first.date == "2026-11-20T14:03:00+01:00")
        #expect(first.pullRequest == 7)
        #expect(first.subject == "Add the fleet (#7)")
        #expect(first.id == (try repo.run(["rev-parse", "HEAD^1"])))
        let second = try #require(explained.declared[Fleet.icc(2)]?.commit)
        #expect(second.author == "Bo Builder")
        #expect(second.date == "2026-11-21T09:00:00-05:00")
        #expect(second.pullRequest == 9)
        #expect(explained.declared[Fleet.icc(2)]?.line == SourceLocation(path: a, line: 7, column: 12))
        #expect(explained.declared[Fleet.icc(3)] == Declaration(line: SourceLocation(path: new, line: 3, column: 23), commit: nil))

        // A line edited in the work tree is not committed; the others keep their commits.
        try repo.write("m/a.yaml", "version: 1\ndefaults:\n  state: blocked\nsims:\n  - icc: \"1\"\n  - icc: \"2\"\n    state: active\n")
        let edited = await Blame.explain([Fleet.icc(1): SourceLocation(path: a, line: 3, column: 10),
                                          Fleet.icc(2): SourceLocation(path: a, line: 7, column: 12)], from: repo.root.path)
        #expect(edited.declared[Fleet.icc(1)]?.commit == nil)
        #expect(edited.declared[Fleet.icc(1)]?.short == "not committed")
        #expect(edited.declared[Fleet.icc(2)]?.commit?.pullRequest == 9)
    }

    @Test func outsideAWorkTreeThePlanSaysWhyOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("simfleet-noblame-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.yaml").path
        try Data("sims: []\n".utf8).write(to: URL(fileURLWithPath: file))
        // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temporary folder.
        let explained = await Blame.explain([Fleet.icc(1): SourceLocation(path: file, line: 1, column: 1)], from: folder.path,
                                            environment: ProcessInfo.processInfo.environment.merging(
                                                ["GIT_CEILING_DIRECTORIES": folder.deletingLastPathComponent().path]) { $1 })
        #expect(explained.declared.isEmpty)
        #expect(explained.unavailable == "the manifests are not in a git work tree, so no step names the commit that declared it")
        let noGit = await Blame.explain([Fleet.icc(1): SourceLocation(path: file, line: 1, column: 1)], from: folder.path, environment: ["PATH": folder.path])
        #expect(noGit.unavailable?.hasPrefix("git is not on PATH") == true)
    }

    @Test(arguments: [
        ("Block lost trackers (#123)", 123), ("Merge pull request #45 from team/x", 45), ("Fix (#12) and (#13)", 13),
        ("No number", nil), ("Issue #7 mentioned", nil), ("(#)", nil), ("(#12", nil), ("(#1234567890123)", nil),
    ] as [(String, Int?)])
    func pullRequestNumbersComeFromTheSubject(_ subject: String, _ expected: Int?) {
        #expect(DeclaringCommit.pullRequest(inSubject: subject) == expected)
    }

    /// Dates print in the author's own offset, and any number (a plan file could hold one)
    /// prints as a date rather than trapping.
    @Test(arguments: [
        (Int64(1_795_698_180), "+0100", "2026-11-26T14:03:00+01:00"), (0, "-0930", "1969-12-31T14:30:00-09:30"),
        (Int64.max, "+0100", "10000-01-01T00:59:59+01:00"), (Int64.min, "+0000", "0001-01-01T00:00:00+00:00"),
        (86_400, "bogus", "1970-01-02T00:00:00+00:00"),
    ] as [(Int64, String, String)])
    func datesAreTheAuthorsOwn(_ time: Int64, _ zone: String, _ expected: String) {
        #expect(DeclaringCommit(id: "", author: "", authorTime: time, authorZone: zone, subject: "").date == expected)
    }

    /// A hostile or truncated porcelain never crashes the reader; lines it cannot place are left out.
    @Test func porcelainIsReadDefensively() {
        let id = String(repeating: "a", count: 40)
        let text = """
            \(id) 1 1 2
            author Eve\u{1B}[2J
            author-time 1700000000
            author-tz +0100
            summary Plant (#3)
            \tstate: active
            \(id) 2 2
            \tstate: blocked
            \(String(repeating: "0", count: 40)) 3 3 1
            author Not Committed Yet
            \tstate: x
            nonsense line
            \(id) x y
            zzzz 4 4 1
            """
        let found = BlamePorcelain.parse(Array(text.utf8))
        #expect(found.keys.sorted() == [1, 2, 3])
        #expect(found[1]??.pullRequest == 3)
        #expect(found[2]??.author == "Eve\u{1B}[2J")
        #expect(found[3]! == nil)
        #expect(Blame.ranges([7, 3, 4, 5, 9, 0]) == [3...5, 7...7, 9...9])
    }
}

/// git is run with a deadline and a bound on what it writes: a hung or hostile git stops
/// the run with a reason, never holds it or fills memory.
@Suite struct GitBoundsTests {
    static func fakeGit(_ script: String, in folder: URL) throws -> Git {
        let path = folder.appendingPathComponent("git")
        try writeExecutable("#!/bin/sh\n\(script)\n", to: path)
        return try Git(environment: ["PATH": folder.path])
    }

    @Test func aGitThatHangsIsStopped() async throws {
        try await withTemporaryDirectory { dir in
            // It would sleep ten minutes: the deadline, not the machine's speed, ends it.
            let git = try Self.fakeGit("exec /bin/sleep 600", in: dir)
            do throws(GitError) {
                _ = try git.run(["status"], in: dir.path, timeout: .milliseconds(300))
                Issue.record("a hung git was waited for")
            } catch {
                #expect(error.description == "git status did not finish within 0.3 seconds and was stopped; nothing was sent", "\(error.description)")
            }
        }
    }

    @Test func aGitThatWritesWithoutEndIsStopped() async throws {
        try await withTemporaryDirectory { dir in
            let git = try Self.fakeGit("exec /usr/bin/yes simfleet", in: dir)
            do throws(GitError) {
                _ = try git.run(["log"], in: dir.path, outputLimit: 1 << 20)
                Issue.record("an endless git was read to the end")
            } catch {
                #expect(error.description == "git log wrote more than 1 MiB and was stopped; nothing was sent", "\(error.description)")
            }
        }
    }

    /// The merge lookups are skipped only when no merge follows any of the commits.
    @Test func mergesAreLookedUpOnlyWhereThereAreAny() async throws {
        let repo = try BlameTests.repository()
        defer { try? FileManager.default.removeItem(at: repo.root) }
        let git = try Repository.discover(from: repo.root.path)
        var ids: [String] = []
        for n in 1...3 {
            try repo.write("m/a.yaml", "version: \(n)\n")
            try BlameTests.commit(repo, "change \(n)", author: "A", date: "2026-11-2\(n)T10:00:00+00:00")
            ids.append(try repo.run(["rev-parse", "HEAD"]))
        }
        #expect(!Blame.anyMergeSince(ids, in: git))
        try repo.run(["checkout", "-q", "-b", "side", ids[0]])
        try repo.write("m/b.yaml", "side\n")
        try BlameTests.commit(repo, "side", author: "B", date: "2026-11-25T10:00:00+00:00")
        try repo.run(["checkout", "-q", "main"])
        try repo.run(["-c", "user.name=m", "-c", "user.email=m@example.invalid", "merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "Merge side", "side"])
        // The newest commit is older than the merge too; only the merge's own side is not.
        #expect(Blame.anyMergeSince([ids[2]], in: git))
        #expect(Blame.anyMergeSince(ids, in: git))
        #expect(!Blame.anyMergeSince([try repo.run(["rev-parse", "HEAD"])], in: git))
    }

    /// Input and output larger than a pipe holds, at once: neither side waits on the other.
    @Test func largeInputAndOutputFlowTogether() async throws {
        try await withTemporaryDirectory { dir in
            let git = try Self.fakeGit("exec /bin/cat", in: dir)
            let input = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
            let output = try git.run(["cat-file", "--batch"], in: dir.path, input: input)
            #expect(output.succeeded)
            #expect(output.stdout == input)
        }
    }

    /// A git that exits without reading its input: the write fails, simfleet goes on.
    @Test func aGitThatIgnoresItsInputDoesNotEndSimfleet() async throws {
        try await withTemporaryDirectory { dir in
            let git = try Self.fakeGit("echo done; exit 3", in: dir)
            let output = try git.run(["hash-object", "--stdin"], in: dir.path, input: [UInt8](repeating: 65, count: 4 << 20))
            #expect(output.status == 3)
            #expect(output.line == "done")
        }
    }
}
