import Foundation
import TestSupport
import Testing

/// A pull request is data: nothing it adds to the repository runs, in any command that
/// reads history, and nothing simfleet starts sees a credential. Each test builds the
/// attack as an attacker with push access would, in a temporary repository, and runs the
/// built binary against it.
@Suite(.serialized) struct PullRequestIsDataTests {
    static let key = "pull-request-is-data-key-0b5e"
    static let token = "ghp_pullRequestIsDataToken0b5e"

    /// Marker files a planted command would write; none may exist after a run.
    struct Markers {
        let folder: URL
        var all: [URL] { ["textconv", "fsmonitor", "hook", "filter", "external-diff"].map { folder.appendingPathComponent($0) } }
        func written() -> [String] { all.filter { FileManager.default.fileExists(atPath: $0.path) }.map(\.lastPathComponent) }
        /// A shell command that records its environment in the marker `name`.
        func command(_ name: String) -> String {
            "sh -c 'env > \(folder.appendingPathComponent(name).path); cat \"$1\" 2>/dev/null' --"
        }

        /// The same, quoted as a git configuration value (where `;` would start a comment).
        func configValue(_ name: String) -> String {
            "\"" + command(name).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }

    /// The example fleet committed on main; then a pull request's commit that moves
    /// `meters.yaml` into `manifests/evil/`, a real bare repository committed as plain files,
    /// whose config names a textconv, an fsmonitor and a hooks folder, and whose
    /// `info/attributes` applies the textconv to every file.
    static func plantedRepository(in dir: URL, markers: Markers) throws -> GitRepository {
        let repo = try exampleRepository(in: dir.appendingPathComponent("clone"))

        // The attacker's repository: meters.yaml at its top, so a blame run inside it finds the file.
        let source = try GitRepository(at: dir.appendingPathComponent("attacker"))
        try FileManager.default.copyItem(at: repo.root.appendingPathComponent("manifests/meters.yaml"),
                                         to: source.root.appendingPathComponent("meters.yaml"))
        try source.commit("meters")
        let evil = repo.root.appendingPathComponent("manifests/evil")
        try source.run(["clone", "-q", "--bare", source.root.path, evil.path])
        let hooks = evil.appendingPathComponent("hooks")
        for hook in ["post-index-change", "reference-transaction", "post-checkout", "pre-commit"] {
            let path = hooks.appendingPathComponent(hook)
            try writeExecutable("#!/bin/sh\n\(markers.command("hook"))\n", to: path)
        }
        let config = evil.appendingPathComponent("config")
        let planted = """
            [core]
            \tfsmonitor = \(markers.configValue("fsmonitor"))
            \thooksPath = \(hooks.path)
            [diff "x"]
            \ttextconv = \(markers.configValue("textconv"))
            \tcommand = \(markers.configValue("external-diff"))

            """
        try Data((try String(contentsOf: config, encoding: .utf8) + planted).utf8).write(to: config)
        try FileManager.default.createDirectory(at: evil.appendingPathComponent("info"), withIntermediateDirectories: true)
        try Data("* diff=x\n".utf8).write(to: evil.appendingPathComponent("info/attributes"))
        try FileManager.default.removeItem(at: repo.root.appendingPathComponent("manifests/meters.yaml"))
        try FileManager.default.copyItem(at: source.root.appendingPathComponent("meters.yaml"), to: evil.appendingPathComponent("meters.yaml"))
        // The pull request's commit: git adds the bare repository's files like any others.
        try repo.run(["add", "-A", "-f"])
        try repo.run(["commit", "-q", "--no-gpg-sign", "-m", "Move the meters"])
        #expect(try repo.run(["ls-files", "manifests/evil/config", "manifests/evil/HEAD"]).split(separator: "\n").count == 2)
        return repo
    }

    /// The example fleet, committed as a squash merge would be.
    static func exampleRepository(in dir: URL) throws -> GitRepository {
        try GitRepository.withExamples(at: dir)
    }

    static func run(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) async throws -> RunResult {
        try await Simfleet.run(arguments + (["mark-applied", "validate"].contains(arguments.first ?? "") ? [] : ["--no-progress"]), in: dir,
                         environment: ["NEXCON_API_KEY": key, "GITHUB_TOKEN": token].merging(GitRepository.environment) { $1 }
                            .merging(environment) { $1 })
    }

    /// The case the review reproduced: `plan` in every format (explaining steps, and with
    /// --changed-since) and `apply` (which journals who declared each step) run no command
    /// the planted repository names, and still explain the steps from the real history.
    @Test func aPlantedBareRepositoryRunsNothing() async throws {
        try await withTemporaryDirectory { dir in
            let markers = Markers(folder: dir)
            let repo = try Self.plantedRepository(in: dir, markers: markers)
            let first = String(try repo.run(["rev-parse", "HEAD~1"]).prefix(7))
            for format in ["text", "markdown", "json", "github"] {
                let plan = try await Self.run(["plan", "--simulator", "--explain", "--format", format], in: repo.root)
                #expect(plan.status == 0, "\(format): \(plan.stderr)")
                #expect(markers.written() == [], "plan --format \(format) ran a planted command")
            }
            let explained = try await Self.run(["plan", "--simulator", "--explain"], in: repo.root)
            // The real history names the commit (git follows the moved file back to #5).
            #expect(explained.stdout.contains("declared manifests/evil/meters.yaml:7:10 · "), "\(explained.stdout)")
            #expect(explained.stdout.contains(" · \(first) #5 · simfleet tests · "), "\(explained.stdout)")
            let changed = try await Self.run(["plan", "--simulator", "--changed-since", "HEAD~1", "--format", "markdown"], in: repo.root)
            #expect(changed.status == 0, "\(changed.stderr)")
            #expect(markers.written() == [], "plan --changed-since ran a planted command")
            let apply = try await Self.run(["apply", "manifests", "--simulator", "--auto-approve"], in: repo.root)
            #expect(apply.status == 4, "\(apply.stderr)")
            #expect(markers.written() == [], "apply ran a planted command")
            // Started inside the planted repository, simfleet finds no work tree rather than the planted one.
            let inside = try await Self.run(["plan", "--simulator", "--explain", "."], in: repo.root.appendingPathComponent("manifests/evil"))
            #expect(inside.stdout.contains("Not explained: the manifests are not in a git work tree"), "\(inside.stdout)\(inside.stderr)")
            #expect(markers.written() == [], "plan inside the planted repository ran a planted command")
        }
    }

    /// A `.gitattributes` in the pull request can name any filter or diff driver the
    /// machine's configuration defines (git-lfs on a hosted runner, say); none runs.
    @Test func driversTheRepositoryNamesDoNotRun() async throws {
        try await withTemporaryDirectory { dir in
            let markers = Markers(folder: dir)
            let repo = try Self.exampleRepository(in: dir.appendingPathComponent("clone"))
            try repo.write(".gitattributes", "*.yaml filter=machine diff=machine\n")
            try repo.commit("Attributes")
            // An edited line: blame reads the work tree's file, through the clean filter if it may.
            let meters = repo.root.appendingPathComponent("manifests/meters.yaml")
            try Data((try String(contentsOf: meters, encoding: .utf8) + "\n").utf8).write(to: meters)
            let global = dir.appendingPathComponent("machine.gitconfig")
            try Data("""
                [filter "machine"]
                \tclean = \(markers.configValue("filter"))
                \tsmudge = \(markers.configValue("filter"))
                \tprocess = \(markers.configValue("filter"))
                \trequired = true
                [diff "machine"]
                \ttextconv = \(markers.configValue("textconv"))
                \tcommand = \(markers.configValue("external-diff"))

                """.utf8).write(to: global)
            let machine = ["GIT_CONFIG_GLOBAL": global.path]
            let plan = try await Self.run(["plan", "--simulator", "--explain", "--format", "markdown"], in: repo.root, environment: machine)
            #expect(plan.status == 0, "\(plan.stderr)")
            let changed = try await Self.run(["plan", "--simulator", "--changed-since", "HEAD~1"], in: repo.root, environment: machine)
            #expect(changed.status == 0, "\(changed.stderr)")
            #expect(markers.written() == [])
            #expect(plan.stdout.contains("| `89460200311200044120` | meter-kbh-0001 |"), "\(plan.stdout)")
        }
    }

    /// Every program simfleet starts gets an environment without the NexCon key or the
    /// GitHub token: a `git` on PATH records what it was given.
    @Test func childrenGetNoCredentials() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.exampleRepository(in: dir.appendingPathComponent("clone"))
            let record = dir.appendingPathComponent("git-environments")
            let bin = dir.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let realGit = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/git"
            try writeExecutable("#!/bin/sh\nenv >> '\(record.path)'\necho ---- >> '\(record.path)'\nexec \(realGit) \"$@\"\n",
                                to: bin.appendingPathComponent("git"))
            let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let secrets = ["PATH": path, "NEXCON_API_KEY_FILE": "/run/secrets/nexcon", "GH_TOKEN": Self.token, "AWS_SECRET_ACCESS_KEY": Self.key]
            let plan = try await Self.run(["plan", "--simulator", "--explain", "--changed-since", "HEAD", "--format", "markdown"], in: repo.root,
                                    environment: secrets)
            #expect(plan.status == 0, "\(plan.stderr)")
            try repo.run(["update-ref", "refs/remotes/origin/main", "HEAD"])
            let apply = try await Self.run(["apply", "manifests", "--simulator", "--auto-approve", "--format", "json"], in: repo.root, environment: secrets)
            #expect(apply.status == 4, "\(apply.stderr)")
            let report = dir.appendingPathComponent("report.json")
            try Data(apply.stdout.utf8).write(to: report)
            let mark = try await Self.run(["mark-applied", "--report", report.path], in: repo.root, environment: secrets)
            #expect(mark.status == 0, "\(mark.stderr)")
            let recorded = try String(contentsOf: record, encoding: .utf8)
            #expect(recorded.components(separatedBy: "----").count > 3, "git ran too few times to prove anything: \(recorded)")
            for secret in [Self.key, Self.token, "NEXCON_API_KEY", "GITHUB_TOKEN", "/run/secrets/nexcon"] {
                #expect(!recorded.contains(secret), "a child process saw \(secret)")
            }
            #expect(recorded.contains("LC_ALL=C"))
        }
    }

    /// A `.mailmap` in the pull request does not rename the author "declared" names.
    @Test func aMailmapDoesNotRenameTheDeclaringAuthor() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.exampleRepository(in: dir.appendingPathComponent("clone"))
            try repo.write(".mailmap", "Trusted Reviewer <tests@example.invalid>\n")
            try repo.commit("Add a mailmap")
            let plan = try await Self.run(["plan", "--simulator", "--explain"], in: repo.root)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains(" · simfleet tests · "), "\(plan.stdout)")
            #expect(!plan.stdout.contains("Trusted Reviewer"))
        }
    }

    /// The example repository in `dir/clone`, with `name` a link to a runner file outside
    /// it (`dir/outside`) that holds `contents`; returns the repository and that file.
    static func exampleRepository(in dir: URL, linking name: String, to outside: String, holding contents: String) throws -> (GitRepository, URL) {
        let repo = try exampleRepository(in: dir.appendingPathComponent("clone"))
        let file = dir.appendingPathComponent(outside)
        try Data(contents.utf8).write(to: file)
        try FileManager.default.createSymbolicLink(atPath: repo.root.appendingPathComponent(name).path, withDestinationPath: file.path)
        return (repo, file)
    }

    /// A pull request commits `plan.json` as a link to a runner file, and an invalid
    /// manifest: plan stops before planning, and leaves no plan.json for an upload step to
    /// publish; the runner file is untouched.
    @Test func aStoppedPlanLeavesNoPlantedOutFile() async throws {
        try await withTemporaryDirectory { dir in
            let (repo, secret) = try Self.exampleRepository(in: dir, linking: "plan.json", to: "runner-credentials", holding: "runner secret\n")
            try repo.write("manifests/broken.yaml", "version: 1\nsims:\n  - icc: \"123\"\n")
            try repo.commit("A link and a broken manifest")
            let plan = try await Self.run(["plan", "--simulator", "--out", "plan.json", "manifests"], in: repo.root)
            #expect(plan.status == 1, "\(plan.stderr)")
            var info = stat()
            #expect(lstat(repo.root.appendingPathComponent("plan.json").path, &info) != 0, "plan.json is still there")
            #expect(try String(contentsOf: secret, encoding: .utf8) == "runner secret\n")
        }
    }

    /// simfleet.yaml committed as a link leading outside the repository is an error at its
    /// path, in validate and plan, and nothing of the outside file is shown.
    @Test func settingsLinkedOutsideTheRepositoryAreRefused() async throws {
        try await withTemporaryDirectory { dir in
            let (repo, _) = try Self.exampleRepository(in: dir, linking: "simfleet.yaml", to: "runner.yaml",
                                                       holding: "statusMap:\n  active: [RUNNER_SECRET_VALUE]\nrunnerSecretKey: 1\n")
            for arguments in [["validate", "manifests"], ["plan", "--simulator", "--format", "markdown", "manifests"]] {
                let run = try await Self.run(arguments, in: repo.root)
                #expect(run.status == 1, "\(arguments): \(run.stdout)\(run.stderr)")
                let printed = run.stdout + run.stderr
                #expect(printed.contains("simfleet.yaml:1:1: error: SF-LINK-OUTSIDE") || printed.contains("simfleet.yaml: error: this link leads outside"), "\(printed)")
                #expect(!printed.contains("RUNNER_SECRET_VALUE") && !printed.contains("runnerSecretKey"), "\(printed)")
            }
        }
    }

    /// init writes nothing through a folder that is a link leading outside its target, and
    /// says which; links inside the target are fine.
    @Test func initWritesNothingThroughALinkLeavingTheTarget() async throws {
        try await withTemporaryDirectory { dir in
            let target = dir.appendingPathComponent("repo")
            let elsewhere = dir.appendingPathComponent("elsewhere")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target.appendingPathComponent(".github").path, withDestinationPath: elsewhere.path)
            try FileManager.default.createSymbolicLink(atPath: target.appendingPathComponent("manifests").path, withDestinationPath: elsewhere.path)
            let run = try await Simfleet.run(["init", target.path, "--ci", "github"], in: dir)
            #expect(run.status == 1)
            #expect(run.stderr.contains("error: .github is a link leading outside \(target.path) (to \(elsewhere.path)); init writes nothing through it"), "\(run.stderr)")
            #expect(run.stderr.contains("error: manifests is a link leading outside"), "\(run.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == [".github", "manifests"])
            // A link to a folder inside the target is followed.
            try FileManager.default.removeItem(at: target.appendingPathComponent(".github"))
            try FileManager.default.removeItem(at: target.appendingPathComponent("manifests"))
            try FileManager.default.createDirectory(at: target.appendingPathComponent("real-manifests"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target.appendingPathComponent("manifests").path, withDestinationPath: "real-manifests")
            let inside = try await Simfleet.run(["init", target.path], in: dir)
            #expect(inside.status == 0, "\(inside.stderr)")
        }
    }
}
