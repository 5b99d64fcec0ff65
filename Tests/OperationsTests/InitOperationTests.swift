import Foundation
import Operations
import Scaffold
import TestSupport
import Testing

/// init in-process on a temporary folder: what it writes, keeps and refuses.
@Suite struct InitOperationTests {
    @Test func writesOnceThenKeepsAndAddsTheIgnoreLine() async throws {
        try await withTemporaryDirectory { dir in
            try "build/\n".write(to: dir.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
            let first = InitOperation(directory: dir.path, ci: .github, force: false, withoutExample: false).run()
            #expect(first.problems.isEmpty)
            #expect(first.wrote.contains(Scaffold.exampleManifestPath))
            #expect(first.wrote.contains(".gitignore (added \(Scaffold.ignoreLine))"))
            #expect(try String(contentsOf: dir.appendingPathComponent(".gitignore"), encoding: .utf8) == "build/\n\(Scaffold.ignoreLine)\n")
            let again = InitOperation(directory: dir.path, ci: .github, force: false, withoutExample: false).run()
            #expect(again.wrote.isEmpty)
            #expect(again.kept.count == first.wrote.count)
        }
    }

    /// Each forge gets its own CI definition and its own SIMFLEET.md; nothing of the other.
    @Test(arguments: [
        (Scaffold.CI.github, ".github/workflows/simfleet-plan.yml", "pull_request_target", ".gitlab-ci.yml"),
        (Scaffold.CI.gitlab, ".gitlab-ci.yml", "a merge request pipeline runs the", ".github/workflows/simfleet-plan.yml"),
    ])
    func eachForgeGetsItsOwnLoop(ci: Scaffold.CI, written: String, guideSays: String, notWritten: String) async throws {
        try await withTemporaryDirectory { dir in
            let result = InitOperation(directory: dir.path, ci: ci, force: false, withoutExample: false).run()
            #expect(result.problems.isEmpty && result.wrote.contains(written) && result.wrote.contains("SIMFLEET.md"))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(notWritten).path))
            let guide = try String(contentsOf: dir.appendingPathComponent("SIMFLEET.md"), encoding: .utf8)
            #expect(guide.contains(guideSays), "\(guide.prefix(400))")
        }
    }

    @Test func aLinkLeavingTheFolderStopsInitBeforeItWritesAnything() async throws {
        try await withTemporaryDirectory { dir in
            let outside = dir.appendingPathComponent("outside"), repo = dir.appendingPathComponent("repo")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: repo.appendingPathComponent("manifests"), withDestinationURL: outside)
            let result = InitOperation(directory: repo.path, ci: nil, force: true, withoutExample: false).run()
            #expect(result.refusedWhole)
            #expect(result.problems.count == 1 && result.problems[0].hasPrefix("manifests is a link leading outside"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path) == ["manifests"])
        }
    }

    @Test func withImportTheExampleIsNotWritten() async throws {
        await withTemporaryDirectory { dir in
            let result = InitOperation(directory: dir.path, ci: nil, force: false, withoutExample: true).run()
            #expect(!result.wrote.contains(Scaffold.exampleManifestPath))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(Scaffold.exampleManifestPath).path))
        }
    }
}
