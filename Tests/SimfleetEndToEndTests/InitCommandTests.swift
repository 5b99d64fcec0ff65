import Foundation
import TestSupport
import Testing

/// `simfleet init` makes a repository that works at once, and never clobbers one that exists.
@Suite struct InitCommandTests {
    static let workflows = ["simfleet-apply", "simfleet-break-glass", "simfleet-drift", "simfleet-plan", "simfleet-terminate"]
    static let everyFile = ["manifests/example.yaml", "manifests/manifest.schema.json", "simfleet.yaml", ".gitignore", "SIMFLEET.md"]
        + workflows.map { ".github/workflows/\($0).yml" }

    static func read(_ dir: URL, _ path: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func anEmptyFolderBecomesAWorkingRepository() async throws {
        try await withTemporaryDirectory { dir in
            let result = try await Simfleet.run(["init", dir.path, "--ci", "github"])
            #expect(result.status == 0, "\(result.stderr)")
            for path in Self.everyFile {
                #expect(result.stdout.contains("wrote       \(path)\n"), "\(path) not reported")
                #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(path).path), "\(path) missing")
            }
            #expect(try Self.read(dir, ".gitignore") == ".simfleet/\n")
            // The example is valid as written, and plans against the simulator with no key.
            let validate = try await Simfleet.run(["validate"], in: dir)
            #expect(validate.stdout == "Valid: 3 SIMs in 1 manifest file.\n", "\(validate.stdout)")
            let plan = try await Simfleet.run(["plan", "--simulator", "--no-progress"], in: dir)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("to activate"), "\(plan.stdout)")
            // The settings file is all comments: it loads, and changes nothing.
            #expect(try Self.read(dir, "simfleet.yaml").split(separator: "\n").allSatisfy { $0.hasPrefix("#") })
        }
    }

    @Test func runningAgainLeavesEverythingAlone() async throws {
        try await withTemporaryDirectory { dir in
            #expect(try await Simfleet.run(["init", dir.path, "--ci", "github"]).status == 0)
            try "sims: []\n".write(to: dir.appendingPathComponent("manifests/example.yaml"), atomically: true, encoding: .utf8)
            let again = try await Simfleet.run(["init", dir.path, "--ci", "github"])
            #expect(again.status == 0)
            #expect(!again.stdout.contains("wrote"), "\(again.stdout)")
            #expect(again.stdout.contains("left alone  manifests/example.yaml (it exists; --force replaces it)\n"))
            #expect(again.stdout.contains("left alone  .gitignore (it ignores .simfleet/ already)\n"))
            #expect(try Self.read(dir, "manifests/example.yaml") == "sims: []\n")

            let forced = try await Simfleet.run(["init", dir.path, "--force"])
            #expect(forced.stdout.contains("wrote       manifests/example.yaml\n"))
            #expect(try Self.read(dir, "manifests/example.yaml") != "sims: []\n")
        }
    }

    @Test func anExistingGitignoreGainsTheLineOnce() async throws {
        try await withTemporaryDirectory { dir in
            try "build/\n*.log".write(to: dir.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
            let result = try await Simfleet.run(["init", dir.path])
            #expect(result.stdout.contains("wrote       .gitignore (added .simfleet/)\n"), "\(result.stdout)")
            #expect(try Self.read(dir, ".gitignore") == "build/\n*.log\n.simfleet/\n")
            _ = try await Simfleet.run(["init", dir.path, "--force"])
            #expect(try Self.read(dir, ".gitignore") == "build/\n*.log\n.simfleet/\n")
            // Without --ci, no workflows.
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".github").path))
        }
    }

    /// A link where a file belongs is never written through, even with --force.
    @Test func aLinkIsNeverWrittenThrough() async throws {
        try await withTemporaryDirectory { dir in
            let outside = dir.appendingPathComponent("outside.txt")
            try "precious\n".write(to: outside, atomically: true, encoding: .utf8)
            let repo = dir.appendingPathComponent("repo")
            try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: repo.appendingPathComponent("simfleet.yaml"), withDestinationURL: outside)
            let result = try await Simfleet.run(["init", repo.path, "--force"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("error: simfleet.yaml: a symbolic link, not a regular file; left alone"), "\(result.stderr)")
            #expect(try String(contentsOf: outside, encoding: .utf8) == "precious\n")
            #expect(result.stdout.contains("wrote       manifests/example.yaml\n"))
        }
    }
}

/// `init --import` brings an existing fleet in, as it is: the first plan shows no changes.
@Suite struct InitImportTests {
    @Test func anExistingFleetIsDeclaredAsItIs() async throws {
        try await withTemporaryDirectory { dir in
            try #"[{"icc":"89450100250731069754","status":"ACTIVATED"},{"icc":"89450100250731069812","status":"BLOCKED"}]"#
                .write(to: dir.appendingPathComponent("seeds.json"), atomically: true, encoding: .utf8)
            // Named like an option, as a hostile or careless file name can be.
            try "89450100250731069754\n89450100250731069812\n".write(to: dir.appendingPathComponent("-iccs.txt"), atomically: true, encoding: .utf8)
            let simulator = try RunningProcess(["simulator", "--seed", "seeds.json", "--port", "0"], in: dir)
            defer { _ = simulator.stop() }
            let api = ["NEXCON_API_URL": simulator.firstLine().replacingOccurrences(of: "listening on ", with: ""), "NEXCON_API_KEY": "dev-key",
                       "GITHUB_STEP_SUMMARY": ""]
            let result = try await Simfleet.run(["init", "repo", "--import=-iccs.txt", "--no-progress"], in: dir, environment: api)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("Imported 2 SIMs to repo/manifests/imported.yaml."), "\(result.stderr)")
            let repo = dir.appendingPathComponent("repo")
            #expect(!FileManager.default.fileExists(atPath: repo.appendingPathComponent("manifests/example.yaml").path))
            let plan = try await Simfleet.run(["plan", "--no-progress", "--detailed-exitcode"], in: repo, environment: api)
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.contains("No changes. 2 SIMs match their manifests."))
        }
    }
}

/// `simfleet --version` names the build: the version and the commit it was built from.
@Suite struct VersionTests {
    @Test func theVersionNamesTheCommit() async throws {
        let head = try GitRepository(existing: Golden.packageRoot()).run(["rev-parse", "HEAD"])
        let result = try await Simfleet.run(["--version"])
        #expect(result.stdout == "0.1.0 (commit \(head.prefix(12)))\n", "\(result.stdout)")
    }
}
