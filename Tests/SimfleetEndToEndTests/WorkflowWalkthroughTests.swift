import FleetModel
import Foundation
import TestSupport
import Testing
import YAML

/// The loop, walked through: the workflows `simfleet init --ci github` writes are read as
/// YAML and their steps run in order, as Actions would run them, on a temporary origin with
/// pull-request refs, against a simulator process and a loopback GitHub. Each `run:` step
/// runs under bash as Actions runs it (`-eo pipefail`); `uses:` steps are played by the
/// walk-through (checkout is a clone of the origin at the run's ref, artifacts are copied
/// between jobs, the binary is a script that runs the one under test, checked against its
/// SHA-256 as the jobs check it); only the `chmod` of that binary, a link, is left out.
@Suite struct WorkflowWalkthroughTests {
    /// With SIMFLEET_WALKTHROUGH_SAMPLES naming a folder, the posted bodies are kept there,
    /// to be read by people (the README's samples come from here).
    static func keepSample(_ name: String, _ body: String) {
        guard let folder = ProcessInfo.processInfo.environment["SIMFLEET_WALKTHROUGH_SAMPLES"], !folder.isEmpty else { return }
        try? Data(body.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }

    @Test func pullRequestMergeApplyDriftTerminateAndBreakGlass() async throws {
        try await withTemporaryDirectory { dir in
            let walk = try await Walkthrough(dir)
            defer { walk.stop() }
            let stub = GitHubStub()
            try await stub.serve { api in
                walk.context["github.api"] = api

                // The first apply, through the pipeline, brings the fleet to main and sets the tag.
                try walk.applyOnMain()
                await #expect(try walk.plan().status == 0)

                // A pull request that blocks a SIM is planned (since the tag), and the plan is
                // its one comment.
                let head = try walk.propose("block-tracker-1", as: "refs/pull/1/head", "manifests/example.yaml",
                                            try walk.manifest().replacingOccurrences(of: "name: tracker-0001", with: "name: tracker-0001\n    state: blocked"))
                try walk.run("simfleet-plan", job: "plan", ref: "refs/pull/1/head", pullRequest: (1, head))
                let comment = try #require(stub.snapshot.comments.first)
                #expect(stub.snapshot.comments.count == 1 && comment.issue == 1 && comment.author == "github-actions[bot]")
                #expect(comment.body.hasPrefix("<!-- simfleet:plan -->\n_For commit `\(head.prefix(12))`._"), "\(comment.body.prefix(300))")
                // Each step names the commit that declared it: here the pull request's own.
                #expect(comment.body.contains("| `89450100250731069754` | tracker-0001 | active → blocked | 1 | `\(head.prefix(7))` | _this pull request_ |"), "\(comment.body)")
                Self.keepSample("pr-comment.md", comment.body)

                // A pull request that touches no manifest and no setting: the required check
                // reports and passes at once, and posts nothing.
                let docs = try walk.propose("docs", as: "refs/pull/2/head", "NOTES.md", "How we name trackers.\n")
                try walk.run("simfleet-plan", job: "plan", ref: "refs/pull/2/head", pullRequest: (2, docs))
                #expect(!stub.snapshot.comments.contains { $0.issue == 2 }, "no comment on a pull request with nothing to plan")
                // A fork's pull request: a declared-only plan from the job that holds no key.
                let fork = try walk.propose("fork-block", as: "refs/pull/3/head", "manifests/example.yaml",
                                            try walk.manifest().replacingOccurrences(of: "name: tracker-0003", with: "name: tracker-0003\n    state: blocked"))
                try walk.run("simfleet-plan", job: "plan-fork", ref: "refs/pull/3/head", pullRequest: (3, fork))
                let forkComment = try #require(stub.snapshot.comments.first { $0.issue == 3 })
                #expect(forkComment.body.contains("> **Declared-only plan: no live status was read."), "\(forkComment.body)")
                #expect(forkComment.body.contains("| `89450100250731069937` | tracker-0003 | active → blocked | 1 |"), "\(forkComment.body)")
                try GitRepository(existing: walk.work).run(["switch", "-q", "block-tracker-1"])

                // Merged: planned on main, approved, applied, and the tag moved to main.
                try walk.merge("block-tracker-1")
                try walk.applyOnMain()
                let main = try walk.origin.run(["rev-parse", "refs/heads/main"])
                #expect(try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"]) == main)
                await #expect(try walk.plan().status == 0, "the fleet matches main")

                // Drift: a change merged but never applied keeps one drift issue open.
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "state: blocked                 # this entry's own value wins over defaults", with: "state: active"))
                try walk.run("simfleet-drift", job: "drift", ref: "refs/heads/main")
                let issue = try #require(stub.snapshot.issues.first)
                #expect(issue.open && issue.labels == ["simfleet-drift"] && issue.body.contains("89450100250731069812"), "\(issue.body)")
                // The drifted SIM names the commit on main that declared it.
                let declaring = try walk.origin.run(["rev-parse", "refs/heads/main"])
                #expect(issue.body.contains("| `\(declaring.prefix(7))` |"), "\(issue.body)")
                #expect(issue.body.contains("This check: [the run](https://github.com/acme/fleet/actions/runs/4242)."), "\(issue.body)")
                Self.keepSample("drift-issue.md", issue.body)
                // Applied through the pipeline, the next drift check closes it.
                try walk.applyOnMain()
                try walk.run("simfleet-drift", job: "drift", ref: "refs/heads/main")
                #expect(stub.snapshot.issues.first?.open == false)

                // Terminate: declared on main, awaiting its allowance after apply (exit 4 moves
                // the tag), then carried out by the terminate workflow for that ICC alone.
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "name: tracker-0002\n    state: active", with: "name: tracker-0002\n    state: terminated"))
                try walk.applyOnMain()
                #expect(try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"]) == walk.origin.run(["rev-parse", "refs/heads/main"]))
                await #expect(try walk.plan().status == 2, "the termination still waits")
                walk.context["inputs.iccs"] = "89450100250731069812"
                try walk.run("simfleet-terminate", job: "terminate", ref: "refs/heads/main")
                await #expect(try walk.plan().status == 0)

                // Break glass during a freeze of every action: blocked at once all the same,
                // written into the manifests on a branch, held, and a pull request opened for
                // review after the fact, with its plan posted there.
                walk.context["inputs.iccs"] = "89450100250731069754"
                walk.context["inputs.reason"] = "stolen, OPS-9"
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "name: tracker-0001\n    state: blocked", with: "name: tracker-0001"))
                try walk.applyOnMain()
                let settings = try walk.origin.run(["show", "refs/heads/main:simfleet.yaml"]) + "\n"
                try walk.commitOnMain("simfleet.yaml", settings + "policy:\n  - name: frozen all day\n    match: {}\n    freeze: {from: \"00:00\", to: \"23:59\", timezone: UTC}\n")
                // A SIM break glass cannot block (tracker-0002 is terminated): nothing is sent,
                // and no branch, hold or pull request is made.
                walk.context["inputs.iccs"] = "89450100250731069812"
                #expect(throws: WalkFailure.self) { try walk.run("simfleet-break-glass", job: "block", ref: "refs/heads/main") }
                #expect((try? String(contentsOf: walk.ghLog, encoding: .utf8)) == nil, "no pull request was opened")
                #expect((try? walk.origin.run(["rev-parse", "--verify", "-q", "refs/heads/break-glass/4242"])) == nil)
                walk.context["inputs.iccs"] = "89450100250731069754"
                try walk.run("simfleet-break-glass", job: "block", ref: "refs/heads/main")
                let glass = try walk.origin.run(["show", "refs/heads/break-glass/4242:manifests/example.yaml"])
                #expect(glass.contains("note: \"break glass by walker, run 4242: stolen, OPS-9\""), "\(glass)")
                let hold = try walk.origin.run(["cat-file", "-p", "refs/tags/simfleet/hold/89450100250731069754"])
                #expect(hold.contains("reason: stolen, OPS-9") && hold.contains("branch: break-glass/4242"), "\(hold)")
                let pr = try String(contentsOf: walk.ghLog, encoding: .utf8)
                #expect(pr.contains("pr create --base main --head break-glass/4242 --title Break glass: stolen, OPS-9"), "\(pr)")
                let glassComment = try #require(stub.snapshot.comments.first { $0.issue == 7 }, "the break-glass pull request got its plan")
                // Merging it changes nothing live: the SIM is blocked already, as the branch declares.
                #expect(glassComment.body.contains("**simfleet plan:** No changes. 1 SIM matches its manifest."), "\(glassComment.body)")
                await #expect(try walk.plan(ref: "refs/heads/break-glass/4242").status == 0, "the branch says what the fleet is")
                // main still declares it active: the hold keeps every plan and apply from restoring it.
                let held = try await walk.plan()
                #expect(held.status == 2 && held.stdout.contains("REFUSED, held by break glass (run 4242 by walker"), "\(held.stdout)")
                // The freeze ends; the break-glass pull request is merged, applied, and the hold released.
                try walk.commitOnMain("simfleet.yaml", settings)
                try GitRepository(existing: walk.work).run(["fetch", "-q", "origin", "break-glass/4242:break-glass/4242"])
                try walk.merge("break-glass/4242")
                try walk.applyOnMain()
                #expect((try? walk.origin.run(["rev-parse", "--verify", "-q", "refs/tags/simfleet/hold/89450100250731069754"])) == nil, "the hold was released on the origin")
                await #expect(try walk.plan().status == 0)

                // A full repair with one broken SIM: tracker-0003 is terminated in the portal,
                // so it cannot become active again; tracker-0001 drifted (restored by hand).
                // The repair still applies tracker-0001's block, reports tracker-0003, and
                // fails the apply job (exit 3), leaving the tag where it was.
                _ = try await send("\(walk.apiURL)/api/v1/simcard/terminate", body: #"{"icc":"89450100250731069937"}"#)
                _ = try await send("\(walk.apiURL)/api/v1/simcard/restore", body: #"{"icc":"89450100250731069754"}"#)
                let tagBefore = try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"])
                walk.context["inputs.scope || 'changed'"] = "full"
                try walk.run("simfleet-apply", job: "plan", ref: "refs/heads/main")
                let failed = #expect(throws: WalkFailure.self, "apply exits 3: one SIM could not be planned") {
                    try walk.run("simfleet-apply", job: "apply", ref: "refs/heads/main")
                }
                #expect(failed?.description.contains("Apply the plan shown in the plan job's summary' exited 3") == true, "\(failed?.description ?? "")")
                let repaired = try await walk.plan()
                #expect(repaired.status == 5, "only the broken SIM is left: \(repaired.stdout)")
                #expect(!repaired.stdout.contains("tracker-0001"), "the valid step was applied: \(repaired.stdout)")
                #expect(try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"]) == tagBefore)

                // No git any step ran, nor any simfleet started, saw the key or a token.
                let seen = try String(contentsOf: walk.gitEnvironments, encoding: .utf8)
                #expect(seen.contains("PATH="), "git ran through the recording wrapper")
                for secret in ["dev-key", "ghs_testtoken"] { #expect(!seen.contains(secret), "a git saw \(secret)") }
            }
        }
    }
}

extension WorkflowWalkthroughTests {
    /// A dispatcher's `shards` input is checked before bash does arithmetic with it: the
    /// drift job refuses `a[$(...)]` and runs nothing it holds.
    @Test func inputsAreCheckedBeforeTheShellUsesThem() async throws {
        try await withTemporaryDirectory { dir in
            let walk = try await Walkthrough(dir)
            defer { walk.stop() }
            let marker = dir.appendingPathComponent("ran")
            for hostile in ["a[$(touch \(marker.path))]", "0", "1; touch \(marker.path)", "99999"] {
                walk.context["inputs.shards || vars.SIMFLEET_DRIFT_SHARDS || 1"] = hostile
                #expect(throws: WalkFailure.self) { try walk.run("simfleet-drift", job: "drift", ref: "refs/heads/main") }
                #expect(!FileManager.default.fileExists(atPath: marker.path), "shards \(hostile) ran code")
            }
            walk.context["inputs.scope || 'changed'"] = "full$(touch \(marker.path))"
            #expect(throws: WalkFailure.self) { try walk.run("simfleet-apply", job: "plan", ref: "refs/heads/main") }
            #expect(!FileManager.default.fileExists(atPath: marker.path))
        }
    }
}

/// Runs workflow jobs the way Actions would, on a temporary origin.
final class Walkthrough: @unchecked Sendable {
    let root: URL
    let origin: GitRepository
    let work: URL
    let ghLog: URL
    let gitEnvironments: URL
    let simulator: RunningProcess
    let apiURL: String
    var context: [String: String]
    var artifacts: [String: URL] = [:]
    /// GitLab jobs' artifacts, by job name: the latest run's.
    var gitLabArtifacts: [String: URL] = [:]
    /// The SHA-256 of the release tarball `curl` hands over (it holds a link to the binary under test).
    var tarballSHA256 = ""
    /// What the jobs run as simfleet: a script that runs the binary under test.
    let binary: URL
    /// What the last GitLab job printed.
    var lastGitLabLog = ""
    var runs = 0

    /// A repository `simfleet init --ci CI` made, pushed to a temporary origin, with a
    /// simulator holding its fleet and the tools the steps call recorded.
    init(_ root: URL, ci: String = "github") async throws {
        self.root = root
        origin = try GitRepository(at: root.appendingPathComponent("origin.git"))
        try origin.run(["config", "receive.denyCurrentBranch", "ignore"])
        try origin.run(["config", "receive.advertisePushOptions", "true"])   // GitLab's merge_request.create
        work = root.appendingPathComponent("work")
        let scaffold = try await Simfleet.run(["init", work.path, "--ci", ci])
        guard scaffold.status == 0 else { throw WalkFailure(description: scaffold.stderr) }
        let repo = try GitRepository(at: work)
        try repo.commit("simfleet init --ci \(ci)")
        try repo.run(["remote", "add", "origin", origin.root.path])
        try repo.run(["push", "-q", "origin", "main"])
        // A simulator process holding the example fleet, with instant jobs.
        simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests", "--job-duration", "0"], in: work)
        apiURL = simulator.firstLine().replacingOccurrences(of: "listening on ", with: "")
        // `gh` records what it was asked to do.
        let bin = root.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        ghLog = root.appendingPathComponent("gh.log")
        let gh = bin.appendingPathComponent("gh")
        try writeExecutable("#!/bin/sh\necho \"$*\" >> '\(ghLog.path)'\n[ \"$1 $2\" = \"pr create\" ] && echo https://github.com/acme/fleet/pull/7\nexit 0\n", to: gh)
        // The build's binary is a script that runs the one under test: the jobs check its
        // SHA-256 as they would the release's, without hashing a debug build of 200 MB each time.
        binary = bin.appendingPathComponent("simfleet-under-test")
        try writeExecutable("#!/bin/sh\nexec '\(Simfleet.executable.path)' \"$@\"\n", to: binary)
        // `curl` hands over the release: a tarball holding a link to it.
        let release = root.appendingPathComponent("release")
        try FileManager.default.createDirectory(at: release, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: release.appendingPathComponent("simfleet"), withDestinationURL: binary)
        let tarball = root.appendingPathComponent("simfleet.tar.gz")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-czf", tarball.path, "-C", release.path, "simfleet"]
        try tar.run()
        tar.waitUntilExit()
        tarballSHA256 = try Self.sha256(of: tarball)
        try writeExecutable("#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = --output ] && cp '\(tarball.path)' \"$2\"; shift; done\n", to: bin.appendingPathComponent("curl"))
        // Every git the steps run (and simfleet's) records its environment: no secret may be there.
        gitEnvironments = root.appendingPathComponent("git-environments.log")
        let realGit = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/git"
        let git = bin.appendingPathComponent("git")
        try writeExecutable("#!/bin/sh\nenv >> '\(gitEnvironments.path)'\necho \"ARGUMENTS=$*\" >> '\(gitEnvironments.path)'\necho ---- >> '\(gitEnvironments.path)'\nexec \(realGit) \"$@\"\n", to: git)
        context = [
            "secrets.NEXCON_API_KEY": "dev-key", "github.token": "ghs_testtoken", "github.base_ref": "main",
            "github.actor": "walker", "github.run_id": "4242", "github.run_attempt": "1",
            "inputs.scope || 'changed'": "changed", "inputs.accept-blast-radius && '--force' || ''": "", "inputs.shards || vars.SIMFLEET_DRIFT_SHARDS || 1": "1", "vars.SIMFLEET_PUSHGATEWAY": "",
            "needs.build.outputs.sha256": try Self.sha256(of: binary),
        ]
    }

    func stop() { _ = simulator.stop() }

    /// What the build job would give as its output: the binary's SHA-256, from sha256sum.
    static func sha256(of file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", file.resolvingSymlinksInPath().path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    func manifest() throws -> String {
        try origin.run(["show", "refs/heads/main:manifests/example.yaml"]) + "\n"
    }

    /// `simfleet plan` of `ref` against the simulator, as a person would check the fleet.
    func plan(ref: String = "refs/heads/main") async throws -> RunResult {
        let folder = try checkout(ref, into: "check-\(UUID().uuidString)")
        return try await Simfleet.run(["plan", "--detailed-exitcode", "--no-progress", "manifests"], in: folder,
                                environment: ["NEXCON_API_URL": apiURL, "NEXCON_API_KEY": "dev-key", "GITHUB_STEP_SUMMARY": ""])
    }

    /// The apply workflow's plan and apply jobs on main, as a merge starts them.
    func applyOnMain() throws {
        try run("simfleet-apply", job: "plan", ref: "refs/heads/main")
        try run("simfleet-apply", job: "apply", ref: "refs/heads/main")
    }

    /// A branch from main that writes `text` to `path`, pushed, its head at `ref` on the
    /// origin (the forge's pull or merge request ref); returns the head.
    func propose(_ branch: String, as ref: String, _ path: String, _ text: String) throws -> String {
        let repo = GitRepository(existing: work)
        try repo.run(["switch", "-q", "-c", branch, "main"])
        try repo.write(path, text)
        try repo.commit("Change \(path) on \(branch)")
        try repo.run(["push", "-q", "origin", branch])
        let head = try repo.run(["rev-parse", "HEAD"])
        try origin.run(["update-ref", ref, head])
        return head
    }

    func merge(_ branch: String) throws {
        let repo = GitRepository(existing: work)
        try repo.run(["switch", "-q", "main"])
        try repo.run(["merge", "-q", "--no-ff", "--no-edit", branch])
        try repo.run(["push", "-q", "origin", "main"])
    }

    func commitOnMain(_ path: String, _ text: String) throws {
        let repo = GitRepository(existing: work)
        try repo.run(["switch", "-q", "main"])
        try repo.run(["pull", "-q", "--ff-only", "origin", "main"])
        try repo.write(path, text)
        try repo.commit("Change \(path)")
        try repo.run(["push", "-q", "origin", "main"])
    }

    func checkout(_ ref: String, into name: String) throws -> URL {
        let folder = root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        let clone = Process()
        clone.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        clone.arguments = ["git", "clone", "-q", origin.root.path, folder.path]
        clone.environment = ProcessInfo.processInfo.environment.merging(GitRepository.environment) { $1 }
        try clone.run()
        clone.waitUntilExit()
        let repo = GitRepository(existing: folder)
        try repo.run(["fetch", "-q", "--tags", "origin", "+\(ref):refs/remotes/origin/run"])
        try repo.run(["checkout", "-q", "--detach", "refs/remotes/origin/run"])
        return folder
    }

    /// Runs one job's steps in order; a step that fails fails the walk-through.
    func run(_ workflow: String, job name: String, ref: String, pullRequest: (Int, String)? = nil) throws {
        runs += 1
        let text = try String(contentsOf: work.appendingPathComponent(".github/workflows/\(workflow).yml"), encoding: .utf8)
        let (documents, diagnostics) = YAMLNode.documents(path: workflow, bytes: Array(text.utf8))
        guard diagnostics.isEmpty, let jobs = documents.first?["jobs"], let job = jobs[name], case .sequence(let steps, _)? = job["steps"] else {
            throw WalkFailure(description: "\(workflow): no job \(name)")
        }
        let folder = root.appendingPathComponent("\(workflow)-\(name)-\(runs)")
        let output = root.appendingPathComponent("output-\(runs)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        // Each job has a RUNNER_TEMP of its own, outside the checkout, as on a runner.
        let runnerTemp = root.appendingPathComponent("runner-temp-\(runs)")
        try FileManager.default.createDirectory(at: runnerTemp, withIntermediateDirectories: true)
        context["runner.temp"] = runnerTemp.path
        var event: URL?
        if let (number, head) = pullRequest {
            event = root.appendingPathComponent("event-\(runs).json")
            try #"{"pull_request":{"number":\#(number),"head":{"sha":"\#(head)"}}}"#.write(to: event!, atomically: true, encoding: .utf8)
        }
        var sha: String?   // the checkout's commit, once a step has made the checkout
        for step in steps {
            if let condition = step["if"]?.text, !holds(condition, ref: ref) { continue }
            if let uses = step["uses"]?.text {
                try play(uses, with: step["with"], in: folder, ref: ref)
                continue
            }
            guard let script = step["run"]?.text else { continue }
            if script.hasPrefix("chmod +x bin/simfleet") { continue }   // a link to the binary under test
            try Data().write(to: output)
            var environment = ProcessInfo.processInfo.environment.merging(GitRepository.environment) { $1 }
            environment["PATH"] = root.appendingPathComponent("tools").path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["NEXCON_API_URL"] = apiURL
            environment["GITHUB_API_URL"] = context["github.api"]
            environment["GITHUB_REPOSITORY"] = "acme/fleet"
            environment["GITHUB_SERVER_URL"] = "https://github.com"
            environment["GITHUB_RUN_ID"] = context["github.run_id"]
            environment["GITHUB_EVENT_PATH"] = event?.path ?? ""
            if sha == nil { sha = try GitRepository(existing: folder).run(["rev-parse", "HEAD"]) }
            environment["GITHUB_SHA"] = sha
            environment["GITHUB_OUTPUT"] = output.path
            environment["RUNNER_TEMP"] = runnerTemp.path
            environment["GITHUB_STEP_SUMMARY"] = ""
            environment["NO_COLOR"] = "1"
            if case .mapping(let pairs, _)? = step["env"] {
                for pair in pairs { environment[pair.key] = try evaluate(pair.value.text ?? "") }
            }
            let (status, printed) = try Self.bash(script, in: folder, environment: environment)
            // What the step wrote to GITHUB_OUTPUT, for later steps' conditions.
            if let id = step["id"]?.text {
                for line in (try String(contentsOf: output, encoding: .utf8)).split(separator: "\n") {
                    let parts = line.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { context["steps.\(id).outputs.\(parts[0])"] = String(parts[1]) }
                }
            }
            guard status == 0 else {
                throw WalkFailure(description: "\(workflow)/\(name): step '\(step["name"]?.text ?? script.prefix(60).description)' exited \(status):\n\(printed)")
            }
        }
    }

    /// `script` under bash as CI runners run it (`-eo pipefail`, no profile, no input):
    /// its exit status and everything it printed.
    static func bash(_ script: String, in folder: URL, environment: [String: String]) throws -> (Int32, String) {
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["--noprofile", "--norc", "-eo", "pipefail", "-c", script]
        bash.currentDirectoryURL = folder
        bash.environment = environment
        let log = Pipe()
        bash.standardOutput = log
        bash.standardError = log
        bash.standardInput = FileHandle.nullDevice
        try bash.run()
        let printed = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bash.waitUntilExit()
        return (bash.terminationStatus, printed)
    }

    /// What an action would have done.
    func play(_ uses: String, with: YAMLNode?, in folder: URL, ref: String) throws {
        let name = with?["name"]?.text ?? ""
        switch uses.split(separator: "@").first.map(String.init) ?? "" {
        case "actions/checkout":
            _ = try checkout(ref, into: folder.lastPathComponent)
        case "actions/download-artifact" where name.hasPrefix("simfleet-plan-"):
            let into = URL(fileURLWithPath: try evaluate(with?["path"]?.text ?? "."), relativeTo: folder)
            try FileManager.default.copyItem(at: artifacts["plan"]!, to: into.appendingPathComponent("plan.json"))
        case "actions/download-artifact":
            let bin = folder.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("simfleet"), withDestinationURL: binary)
        case "actions/upload-artifact" where name.hasPrefix("simfleet-plan-"):
            let kept = root.appendingPathComponent("artifact-plan-\(runs).json")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: try evaluate(with?["path"]?.text ?? ""), relativeTo: folder), to: kept)
            artifacts["plan"] = kept
        case "actions/upload-artifact":
            break
        default:
            throw WalkFailure(description: "the walk-through does not know \(uses)")
        }
    }

    /// A step's `if:`: terms joined by `&&`, each always(), the ref test, or a step output compared.
    func holds(_ condition: String, ref: String) -> Bool {
        condition.components(separatedBy: " && ").allSatisfy { term in
            switch term {
            case "always()": return true
            case "github.ref != 'refs/heads/main'": return ref != "refs/heads/main"
            default:
                let sides = term.components(separatedBy: " == ")
                guard sides.count == 2, sides[0].hasPrefix("steps."), sides[1].hasPrefix("'"), sides[1].hasSuffix("'") else { return false }
                return context[sides[0]] == String(sides[1].dropFirst().dropLast())
            }
        }
    }

    /// `${{ expression }}` from the context; an expression it does not know fails the walk.
    func evaluate(_ value: String) throws -> String {
        var out = value
        while let start = out.range(of: "${{ "), let end = out.range(of: " }}", range: start.upperBound..<out.endIndex) {
            let expression = String(out[start.upperBound..<end.lowerBound])
            guard let known = context[expression] else { throw WalkFailure(description: "unknown expression ${{ \(expression) }}") }
            out.replaceSubrange(start.lowerBound..<end.upperBound, with: known)
        }
        return out
    }
}

struct WalkFailure: Error, CustomStringConvertible {
    var description: String
}
