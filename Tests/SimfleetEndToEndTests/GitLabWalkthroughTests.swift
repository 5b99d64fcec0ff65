import FleetModel
import Foundation
import TestSupport
import Testing
import YAML

/// The GitLab loop, walked through: the `.gitlab-ci.yml` `simfleet init --ci gitlab`
/// writes is read as YAML and each job's `before_script` and `script` run under bash
/// (`-eo pipefail`, as GitLab's runner runs them) in a clone of a temporary origin with
/// merge request refs, against a simulator process and a loopback GitLab. `curl` hands
/// over a release tarball holding the binary under test, checked against its SHA-256 as
/// the jobs check it; artifacts travel between the jobs that `needs:` name.
@Suite struct GitLabWalkthroughTests {
    @Test func mergeRequestMergeApplyDriftTerminateAndBreakGlass() async throws {
        try await withTemporaryDirectory { dir in
            let walk = try await Walkthrough(dir, ci: "gitlab")
            defer { walk.stop() }
            let gitlab = GitLabStandIn(token: "glpat-note-token", username: "project_7_bot_notes", otherTokens: ["glpat-project-token": "project_7_bot"])
            try await gitlab.serve { api in
                walk.context["gitlab.api"] = api

                // The first apply: planned on main, started by hand, the tag set.
                try walk.applyOnMainGitLab()
                #expect(try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"]) == walk.origin.run(["rev-parse", "refs/heads/main"]))
                await #expect(try walk.plan().status == 0)

                // A merge request that blocks a SIM, with no key in its pipeline: one
                // declared-only note, headed by the commit.
                let head = try walk.propose("block-tracker-1", as: "refs/merge-requests/1/head", "manifests/example.yaml",
                                            try walk.manifest().replacingOccurrences(of: "name: tracker-0001", with: "name: tracker-0001\n    state: blocked"))
                try walk.runGitLab("simfleet-plan", ref: "refs/merge-requests/1/head", source: "merge_request_event", mergeRequest: 1)
                var notes = gitlab.notes(onMergeRequest: 1)
                try #require(notes.count == 1, "\(walk.lastGitLabLog)")
                #expect(notes[0].author == gitlab.username)
                #expect(notes[0].body.hasPrefix("<!-- simfleet:plan -->\n_For commit `\(head.prefix(12))`._"), "\(notes[0].body.prefix(300))")
                #expect(notes[0].body.contains("> **Declared-only plan: no live status was read."), "\(notes[0].body)")
                #expect(notes[0].body.contains("| `89450100250731069754` | tracker-0001 | active → blocked | 1 |"), "\(notes[0].body)")
                // Where the pipeline is kept from branch pushers, the plan key reads live
                // statuses, and the same note is edited.
                walk.context["NEXCON_PLAN_KEY"] = "dev-key"
                try walk.runGitLab("simfleet-plan", ref: "refs/merge-requests/1/head", source: "merge_request_event", mergeRequest: 1)
                walk.context["NEXCON_PLAN_KEY"] = nil
                notes = gitlab.notes(onMergeRequest: 1)
                try #require(notes.count == 1, "\(walk.lastGitLabLog)")
                #expect(!notes[0].body.contains("Declared-only") && notes[0].body.contains("active → blocked"), "\(notes[0].body)")

                // A merge request that touches no manifest: the job passes and posts nothing.
                _ = try walk.propose("docs", as: "refs/merge-requests/2/head", "NOTES.md", "How we name trackers.\n")
                try walk.runGitLab("simfleet-plan", ref: "refs/merge-requests/2/head", source: "merge_request_event", mergeRequest: 2)
                #expect(gitlab.notes(onMergeRequest: 2).isEmpty)
                try GitRepository(existing: walk.work).run(["switch", "-q", "block-tracker-1"])

                // Merged, planned on main, applied by hand; the tag moves to main.
                try walk.merge("block-tracker-1")
                try walk.applyOnMainGitLab()
                #expect(try walk.origin.run(["rev-parse", "refs/tags/simfleet/applied^{commit}"]) == walk.origin.run(["rev-parse", "refs/heads/main"]))
                await #expect(try walk.plan().status == 0, "the fleet matches main")

                // Drift: merged but not applied; the schedule keeps one issue, closed once applied.
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "state: blocked                 # this entry's own value wins over defaults", with: "state: active"))
                try walk.runGitLab("simfleet-drift", ref: "main", source: "schedule")
                let issue = try #require(gitlab.snapshot.issues.first)
                #expect(issue.open && issue.labels == ["simfleet-drift"] && issue.description.contains("89450100250731069812"), "\(issue.description)")
                #expect(issue.description.contains("This check: [the run](https://gitlab.example/acme/fleet/-/pipelines/"), "\(issue.description)")
                try walk.applyOnMainGitLab()
                try walk.runGitLab("simfleet-drift", ref: "main", source: "schedule")
                #expect(gitlab.snapshot.issues.first?.open == false)

                // Terminate: declared, awaiting its allowance after apply (exit 4), then carried
                // out for that ICC alone by a pipeline run by hand.
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "name: tracker-0002\n    state: active", with: "name: tracker-0002\n    state: terminated"))
                try walk.applyOnMainGitLab()
                await #expect(try walk.plan().status == 2, "the termination still waits")
                try walk.runGitLab("simfleet-terminate", ref: "main", source: "web",
                                   variables: ["SIMFLEET_ACTION": "terminate", "SIMFLEET_ICCS": "89450100250731069812"])
                await #expect(try walk.plan().status == 0)

                // Break glass: tracker-0001 is active again, then blocked at once, written on a
                // branch, held, and a merge request asked for with a push option.
                try walk.commitOnMain("manifests/example.yaml", try walk.manifest().replacingOccurrences(of: "name: tracker-0001\n    state: blocked", with: "name: tracker-0001"))
                try walk.applyOnMainGitLab()
                try walk.runGitLab("simfleet-break-glass", ref: "main", source: "web",
                                   variables: ["SIMFLEET_ACTION": "break-glass", "SIMFLEET_ICCS": "89450100250731069754", "SIMFLEET_REASON": "stolen, OPS-9"])
                let glass = try walk.origin.run(["show", "refs/heads/break-glass/\(walk.runs):manifests/example.yaml"])
                #expect(glass.contains("note: \"break glass by walker, run \(walk.runs): stolen, OPS-9\""), "\(glass)")
                let hold = try walk.origin.run(["cat-file", "-p", "refs/tags/simfleet/hold/89450100250731069754"])
                #expect(hold.contains("reason: stolen, OPS-9"), "\(hold)")
                let held = try await walk.plan()
                #expect(held.status == 2 && held.stdout.contains("REFUSED, held by break glass"), "\(held.stdout)")

                // No git saw the NexCon key; only the pushes saw the project token, through
                // their credential helper.
                let seen = try String(contentsOf: walk.gitEnvironments, encoding: .utf8).components(separatedBy: "----\n")
                #expect(seen.count > 10)
                for record in seen {
                    #expect(!record.contains("dev-key"), "a git saw the NexCon key: \(record.suffix(200))")
                    if record.contains("glpat-") { #expect(record.contains("ARGUMENTS=") && record.contains(" push "), "\(record.suffix(300))") }
                }
            }
        }
    }

    /// Variables a person types into Run pipeline are checked before the shell uses them.
    @Test func variablesAreCheckedBeforeTheShellUsesThem() async throws {
        try await withTemporaryDirectory { dir in
            let walk = try await Walkthrough(dir, ci: "gitlab")
            defer { walk.stop() }
            let marker = dir.appendingPathComponent("ran")
            for hostile in ["a[$(touch \(marker.path))]", "0", "1; touch \(marker.path)", "99999"] {
                #expect(throws: WalkFailure.self) {
                    try walk.runGitLab("simfleet-drift", ref: "main", source: "schedule", variables: ["SIMFLEET_DRIFT_SHARDS": hostile])
                }
                #expect(!FileManager.default.fileExists(atPath: marker.path), "shards \(hostile) ran code")
            }
            #expect(throws: WalkFailure.self) {
                try walk.runGitLab("simfleet-terminate", ref: "main", source: "web", variables: ["SIMFLEET_ICCS": "1 $(touch \(marker.path))"])
            }
            #expect(throws: WalkFailure.self) {
                try walk.runGitLab("simfleet-apply-plan", ref: "main", source: "web", variables: ["SIMFLEET_SCOPE": "full$(touch \(marker.path))"])
            }
            #expect(!FileManager.default.fileExists(atPath: marker.path))
            // A branch that is not the protected default branch acts on nothing.
            let failure = #expect(throws: WalkFailure.self) { try walk.runGitLab("simfleet-apply-plan", ref: "main", source: "push", protected: false) }
            #expect(failure?.description.contains("only the protected default branch acts on SIMs") == true, "\(failure?.description ?? "")")
            // A tarball that is not the release is refused before anything runs.
            let tampered = #expect(throws: WalkFailure.self) {
                try walk.runGitLab("simfleet-drift", ref: "main", source: "schedule", variables: ["SIMFLEET_SHA256": String(repeating: "0", count: 64)])
            }
            #expect(tampered?.description.contains("FAILED") == true, "\(tampered?.description ?? "")")
        }
    }
}

extension Walkthrough {
    /// Runs one job of `.gitlab-ci.yml` (its template's `before_script`, then `script`) for a
    /// pipeline of `source` on `ref`, with the project's variables (protected ones only on a
    /// protected ref), GitLab's predefined ones, and `variables` as typed into Run pipeline.
    func runGitLab(_ name: String, ref: String, source: String, mergeRequest: Int? = nil, variables: [String: String] = [:],
                   protected: Bool = true) throws {
        runs += 1
        let text = try String(contentsOf: work.appendingPathComponent(".gitlab-ci.yml"), encoding: .utf8)
        let (documents, diagnostics) = YAMLNode.documents(path: ".gitlab-ci.yml", bytes: Array(text.utf8))
        guard diagnostics.isEmpty, let pipeline = documents.first, let job = pipeline[name] else {
            throw WalkFailure(description: ".gitlab-ci.yml: no job \(name)")
        }
        let template = job["extends"]?.text.flatMap { pipeline[$0] }
        var scripts: [String] = []
        for part in [template?["before_script"], job["before_script"], job["script"]] {
            if case .sequence(let lines, _)? = part { scripts += lines.compactMap(\.text) }
        }
        let folder = try checkout(ref, into: "\(name)-\(runs)")
        // Artifacts of the jobs it needs, extracted into its checkout as the runner does.
        if case .sequence(let needs, _)? = job["needs"] {
            for need in needs.compactMap(\.text) {
                guard let kept = gitLabArtifacts[need] else { throw WalkFailure(description: "\(name) needs \(need), which has not run") }
                try copyTree(kept, into: folder)
            }
        }
        let onProtectedRef = protected && ref == "main"
        var environment = ProcessInfo.processInfo.environment.merging(GitRepository.environment) { $1 }
        environment["PATH"] = root.appendingPathComponent("tools").path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["NEXCON_API_URL"] = apiURL
        environment["GITHUB_STEP_SUMMARY"] = ""
        environment["NO_COLOR"] = "1"
        let predefined: [String: String] = [
            "GITLAB_CI": "true", "CI": "true", "CI_PIPELINE_SOURCE": source, "CI_DEFAULT_BRANCH": "main",
            "CI_COMMIT_BRANCH": mergeRequest == nil ? ref : "", "CI_COMMIT_REF_PROTECTED": onProtectedRef ? "true" : "false",
            "CI_COMMIT_SHA": try GitRepository(existing: folder).run(["rev-parse", "HEAD"]), "CI_PIPELINE_ID": String(runs),
            "CI_PIPELINE_URL": "https://gitlab.example/acme/fleet/-/pipelines/\(runs)", "CI_API_V4_URL": context["gitlab.api"] ?? "",
            "CI_PROJECT_ID": "7", "CI_JOB_TOKEN": "job-token-value", "GITLAB_USER_LOGIN": "walker",
            "CI_MERGE_REQUEST_IID": mergeRequest.map(String.init) ?? "", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": mergeRequest == nil ? "" : "main",
        ]
        // Project variables: the protected ones reach protected refs only.
        var project: [String: String] = [
            "SIMFLEET_DOWNLOAD_URL": "https://releases.example/simfleet/v0.1.0/simfleet-v0.1.0-linux-x86_64.tar.gz",
            "SIMFLEET_SHA256": tarballSHA256, "SIMFLEET_IMAGE": "buildpack-deps:noble-scm@sha256:" + String(repeating: "a", count: 64),
            "SIMFLEET_NOTE_TOKEN": "glpat-note-token",
        ]
        if let planKey = context["NEXCON_PLAN_KEY"] { project["NEXCON_PLAN_KEY"] = planKey }
        if onProtectedRef { project["NEXCON_API_KEY"] = "dev-key"; project["GITLAB_TOKEN"] = "glpat-project-token" }
        environment.merge(predefined) { $1 }
        environment.merge(project) { $1 }
        environment.merge(variables) { $1 }
        // The job's and template's `variables:`, as GitLab expands them.
        for node in [template?["variables"], job["variables"]] {
            if case .mapping(let pairs, _)? = node {
                for pair in pairs { environment[pair.key] = pair.value.text ?? "" }
            }
        }
        let (status, printed) = try Self.bash(scripts.joined(separator: "\n"), in: folder, environment: environment)
        lastGitLabLog = printed
        guard status == 0 else { throw WalkFailure(description: ".gitlab-ci.yml/\(name) exited \(status):\n\(printed)") }
        // What `artifacts: paths:` names, kept for the jobs that need this one.
        if case .sequence(let paths, _)? = job["artifacts"]?["paths"] {
            let kept = root.appendingPathComponent("artifacts-\(name)-\(runs)")
            for path in paths.compactMap(\.text) {
                let source = folder.appendingPathComponent(path)
                guard FileManager.default.fileExists(atPath: source.path) else { continue }
                let target = kept.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: source, to: target)
            }
            gitLabArtifacts[name] = kept
        }
    }

    /// The default branch's plan job and, started by hand, its apply job, as a merge makes them.
    func applyOnMainGitLab() throws {
        try runGitLab("simfleet-apply-plan", ref: "main", source: "push")
        try runGitLab("simfleet-apply", ref: "main", source: "push")
    }

    func copyTree(_ source: URL, into target: URL) throws {
        let files = FileManager.default.enumerator(at: source, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where !file.hasDirectoryPath {
            let relative = String(file.path.dropFirst(source.path.count + 1))
            let destination = target.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
        }
    }
}
