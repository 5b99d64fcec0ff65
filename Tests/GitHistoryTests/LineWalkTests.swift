import FleetModel
import Foundation
@testable import GitHistory
import Planning
import TestSupport
import Testing

/// The one history walk names, for every line written since the base, the commit git blame
/// names, over random edit histories full of repeated lines (where a diff could align two
/// ways); and it answers nothing it cannot prove.
@Suite struct LineWalkTests {
    static func commit(_ repo: GitRepository, _ message: String) throws -> String {
        try repo.run(["add", "-A"])
        try repo.run(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--no-gpg-sign", "--allow-empty", "-m", message])
        return try repo.run(["rev-parse", "HEAD"])
    }

    static func repository(in dir: URL) throws -> (GitRepository, Repository) {
        let repo = try GitRepository(at: dir.appendingPathComponent("repo"))
        return (repo, try Repository.discover(from: repo.root.path, environment: ProcessInfo.processInfo.environment.merging(GitRepository.environment) { $1 }))
    }

    @Test func theWalkNamesWhatBlameNamesOverRandomHistories() async throws {
        var random = SeededGenerator(seed: 0x11ae_0a1c)
        func pick<T>(_ options: [T]) -> T { options[Int(random.next() % UInt64(options.count))] }
        let vocabulary = ["  - icc: \"89450100250731069754\"", "    state: active", "    state: blocked", "    name: t", "    protect: true", "", "sims:"]
        var compared = 0
        for round in 0..<24 {
            try await withTemporaryDirectory { dir in
                let (repo, repository) = try Self.repository(in: dir)
                var files = ["m/a.yaml": (0..<24).map { _ in pick(vocabulary) }, "m/b.yaml": (0..<12).map { _ in pick(vocabulary) }]
                for (path, lines) in files { try repo.write(path, lines.joined(separator: "\n") + "\n") }
                let base = try Self.commit(repo, "base")
                for step in 0..<(3 + Int(random.next() % 8)) {
                    let path = pick(files.keys.sorted())
                    var lines = files[path]!
                    for _ in 0..<(1 + Int(random.next() % 3)) {
                        let at = Int(random.next() % UInt64(lines.count + 1))
                        switch random.next() % 3 {
                        case 0: lines.insert(contentsOf: (0..<(1 + Int(random.next() % 3))).map { _ in pick(vocabulary) }, at: at)
                        case 1 where !lines.isEmpty: lines.remove(at: min(at, lines.count - 1))
                        default: if !lines.isEmpty { lines[min(at, lines.count - 1)] = pick(vocabulary) }
                        }
                    }
                    if lines.isEmpty { lines = ["sims:"] }
                    files[path] = lines
                    try repo.write(path, lines.joined(separator: "\n") + "\n")
                    _ = try Self.commit(repo, "step \(step)")
                }
                let since = Set(try repo.run(["rev-list", base + "..HEAD"]).split(separator: "\n").map(String.init))
                for (path, lines) in files {
                    guard case .success(let blamed) = Blame.blame(path: path, lines: Set(1...lines.count), in: repository) else {
                        Issue.record("round \(round): blame failed for \(path)")
                        continue
                    }
                    // Lines written since the base: the walk names each one's commit as blame does.
                    let recent = Set(blamed.filter { since.contains($0.value?.id ?? "") }.keys)
                    guard !recent.isEmpty else { continue }
                    let walked = LineWalk.lastChanges(of: [path: recent], since: base, in: repository)
                    let found = try #require(walked[path], "round \(round): \(path) not answered")
                    for line in recent {
                        #expect(found[line] == blamed[line]??.id, "round \(round): \(path):\(line)")
                        compared += 1
                    }
                    // A line older than the base is blame's to name: the file is not answered.
                    if let old = blamed.first(where: { !since.contains($0.value?.id ?? "") })?.key {
                        #expect(LineWalk.lastChanges(of: [path: recent.union([old])], since: base, in: repository)[path] == nil, "round \(round)")
                    }
                }
            }
        }
        #expect(compared > 100, "too few lines compared to prove anything: \(compared)")
    }

    /// A merge since the base, a file the work tree changed, and a file made since the base:
    /// none is answered, so git blame names them.
    @Test func whatTheWalkCannotProveIsLeftToBlame() async throws {
        try await withTemporaryDirectory { dir in
            let (repo, repository) = try Self.repository(in: dir)
            try repo.write("m/a.yaml", "sims:\n  - icc: \"1\"\n    state: active\n")
            let base = try Self.commit(repo, "base")
            try repo.write("m/a.yaml", "sims:\n  - icc: \"1\"\n    state: blocked\n")
            try repo.write("m/new.yaml", "sims:\n  - icc: \"2\"\n    state: active\n")
            _ = try Self.commit(repo, "block 1, add 2")
            #expect(LineWalk.lastChanges(of: ["m/a.yaml": [3]], since: base, in: repository)["m/a.yaml"] != nil)
            #expect(LineWalk.lastChanges(of: ["m/new.yaml": [3]], since: base, in: repository).isEmpty, "made since the base")
            try repo.write("m/a.yaml", "sims:\n  - icc: \"1\"\n    state: inactive\n")
            #expect(LineWalk.lastChanges(of: ["m/a.yaml": [3]], since: base, in: repository).isEmpty, "changed in the work tree")
            try repo.run(["checkout", "-q", "--", "m/a.yaml"])
            try repo.run(["checkout", "-q", "-b", "side"])
            try repo.write("m/b.yaml", "sims: []\n")
            _ = try Self.commit(repo, "side")
            try repo.run(["checkout", "-q", "main"])
            try repo.run(["-c", "user.name=t", "-c", "user.email=t@example.invalid", "merge", "-q", "--no-ff", "--no-gpg-sign", "-m", "merge", "side"])
            #expect(LineWalk.lastChanges(of: ["m/a.yaml": [3]], since: base, in: repository).isEmpty, "a merge since the base")
        }
    }
}
