import Foundation
import TestSupport
import Testing

/// The emergency path with the built binary, against a simulator process, in a temporary
/// repository whose simfleet.yaml freezes every action all day: break glass blocks at
/// once all the same, writes the block on a branch, and a hold keeps the SIM blocked
/// until main declares it so; then mark-applied releases the hold.
@Suite(.serialized) struct BreakGlassTests {
    static let key = "break-glass-key-5a1e"
    /// truck-043: declared active, live active in the examples.
    static let stolen = "89450100250731069812"
    /// truck-044: declared active, live inactive: break glass cannot block it.
    static let inactive = "89450100250731069937"

    static let settings = """
        policy:
          - name: frozen all day
            match: {}
            freeze: {from: "00:00", to: "23:59", timezone: UTC}

        """

    static func repository(in dir: URL) throws -> GitRepository {
        try GitRepository.withExamples(at: dir, files: ["simfleet.yaml": settings, ".gitignore": ".simfleet/\n"])
    }

    static func run(_ arguments: [String], in dir: URL) async throws -> RunResult {
        let quiet = ["break-glass", "plan", "apply"].contains(arguments.first ?? "") ? ["--no-progress"] : []
        return try await Simfleet.run(arguments + quiet, in: dir, environment: ["NEXCON_API_KEY": key, "GITHUB_RUN_ID": "4242", "GITHUB_ACTOR": "walker"]
            .merging(GitRepository.environment) { $1 })
    }

    static func calls(_ url: String) async throws -> [String] {
        let calls = try await send("\(url)/_simulator/calls", method: "GET", key: key).json["calls"] as? [[String: Any]] ?? []
        return calls.compactMap { $0["path"] as? String }.filter { !$0.hasSuffix("/status") }
    }

    @Test func aStolenSIMIsBlockedDuringAFreezeAndStaysBlockedUntilMainSaysSo() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let simulator = try RunningProcess(["simulator", "--port", "0", "--seed-from-manifests", "manifests", "--job-duration", "0", "--api-key", Self.key], in: dir)
            defer { _ = simulator.stop() }
            let url = String(simulator.firstLine().dropFirst("listening on ".count))

            // Checked whole first: one SIM that is not active, and nothing is sent.
            let refused = try await Self.run(["break-glass", Self.stolen, Self.inactive, "--reason", "stolen, OPS-9", "--api-url", url], in: dir)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("error: SIM \(Self.inactive) is inactive; break glass blocks only a SIM that is active now"), "\(refused.stderr)")
            #expect(refused.stderr.contains("Nothing was sent."))
            #expect(try await Self.calls(url).isEmpty)
            #expect(try repo.run(["branch", "--list", "break-glass/*"]).isEmpty)

            // The freeze holds back every action, but not a break-glass block.
            let glass = try await Self.run(["break-glass", Self.stolen, "--reason", "stolen, OPS-9", "--api-url", url], in: dir)
            #expect(glass.status == 0, "\(glass.stdout)\(glass.stderr)")
            let sent = try await Self.calls(url)
            #expect(sent.count == 1 && sent[0].hasSuffix("/block"), "\(sent)")
            #expect(glass.stdout.contains("Blocked 1 SIM. The branch break-glass/4242"), "\(glass.stdout)")
            let declared = try repo.run(["show", "break-glass/4242:manifests/vehicles/trucks.yaml"])
            #expect(declared.contains("state: blocked\n    note: \"break glass by walker, run 4242: stolen, OPS-9\""), "\(declared)")
            // The work tree and the current branch are as they were.
            #expect(try repo.run(["status", "--porcelain"]).isEmpty)
            #expect(try repo.run(["rev-parse", "--abbrev-ref", "HEAD"]) == "main")
            let hold = try repo.run(["cat-file", "-p", "refs/tags/simfleet/hold/\(Self.stolen)"])
            #expect(hold.contains("reason: stolen, OPS-9") && hold.contains("run: 4242") && hold.contains("branch: break-glass/4242"), "\(hold)")

            // main still declares it active: the plan shows the hold, in every format, and
            // counts it as a difference; apply does not restore it.
            let text = try await Self.run(["plan", "--api-url", url, "--detailed-exitcode"], in: dir)
            #expect(text.status == 2, "\(text.stderr)")
            #expect(text.stdout.contains("Held by break glass (1):"), "\(text.stdout)")
            #expect(text.stdout.contains("restore   \(Self.stolen)  truck-043       blocked → active  REFUSED, held by break glass (run 4242 by walker"), "\(text.stdout)")
            let markdown = try await Self.run(["plan", "--api-url", url, "--format", "markdown"], in: dir)
            #expect(markdown.stdout.contains("> **Held by break glass (1):**") && markdown.stdout.contains("> - `\(Self.stolen)`: stolen, OPS-9; run 4242 by walker"), "\(markdown.stdout)")
            let json = try await Self.run(["plan", "--api-url", url, "--format", "json"], in: dir)
            #expect(json.stdout.contains("\"holds\":[{\"icc\":\"\(Self.stolen)\",\"reason\":\"stolen, OPS-9\",\"run\":\"4242\",\"branch\":\"break-glass/4242\",\"by\":\"walker\""), "\(json.stdout)")
            let github = try await Self.run(["plan", "--api-url", url, "--format", "github"], in: dir)
            #expect(github.stdout.contains("title=held by break glass::SIM \(Self.stolen): held by break glass (run 4242 by walker"), "\(github.stdout)")
            let apply = try await Self.run(["apply", "manifests", "--api-url", url, "--auto-approve", "--target", Self.stolen], in: dir)
            #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
            #expect(try await Self.calls(url).count == 1, "the restore was never sent")

            // The break-glass pull request merged: main declares it blocked, the plan is clean
            // for it, and mark-applied releases the hold.
            try repo.run(["merge", "-q", "--no-ff", "--no-edit", "break-glass/4242"])
            let clean = try await Self.run(["plan", "--api-url", url, "--target", Self.stolen, "--detailed-exitcode"], in: dir)
            #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
            #expect(!clean.stdout.contains("Held by break glass"))
            try repo.run(["update-ref", "refs/remotes/origin/main", "HEAD"])
            let report = dir.appendingPathComponent("report.json")
            try Data(#"{"exitCode":0}"#.utf8).write(to: report)
            let mark = try await Self.run(["mark-applied", "--report", report.path], in: dir)
            #expect(mark.status == 0, "\(mark.stderr)")
            #expect(mark.stdout.contains("released the break-glass hold on \(Self.stolen): main declares it blocked."), "\(mark.stdout)")
            #expect(try repo.run(["tag", "--list", "simfleet/hold/*"]).isEmpty)
        }
    }

    /// A hold ends by hand only for a SIM that has one; the next plan restores it as main says.
    @Test func releaseHoldEndsAHoldAndSaysSoOtherwise() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try Self.repository(in: dir)
            let missing = try await Self.run(["release-hold", Self.stolen], in: dir)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("error: \(Self.stolen) has no break-glass hold"), "\(missing.stderr)")
            try repo.run(["tag", "-a", "-m", "simfleet hold \(Self.stolen)\n\nreason: test", "simfleet/hold/\(Self.stolen)"])
            let plan = try await Self.run(["plan", "--simulator", "--format", "json"], in: dir)
            #expect(plan.stdout.contains("\"holds\":[]"), "live active and declared active: nothing to hold back")
            let released = try await Self.run(["release-hold", Self.stolen], in: dir)
            #expect(released.status == 0, "\(released.stderr)")
            #expect(released.stdout.contains("git push origin --delete refs/tags/simfleet/hold/\(Self.stolen)"))
            #expect(try repo.run(["tag", "--list", "simfleet/hold/*"]).isEmpty)
        }
    }
}

/// The pipeline's glue: apply's JSON report exists for every outcome, and a refusal in CI
/// names the workflow's way, not only the flag.
@Suite struct ApplyReportForEveryOutcomeTests {
    @Test func aBlastRadiusRefusalStillWritesTheReportAndNamesTheWorkflowInput() async throws {
        try await withTemporaryDirectory { dir in
            let examples = Golden.scratchWithExamples()
            defer { try? FileManager.default.removeItem(at: examples) }
            try FileManager.default.copyItem(at: examples.appendingPathComponent("manifests"), to: dir.appendingPathComponent("manifests"))
            try Data("blastRadius:\n  percent: 1\n  minimum: 1\n".utf8).write(to: dir.appendingPathComponent("simfleet.yaml"))
            let apply = try await Simfleet.run(["apply", "manifests", "--simulator", "--auto-approve", "--format", "json", "--no-progress"], in: dir,
                                         environment: ["GITHUB_ACTIONS": "true"])
            #expect(apply.status == 1)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any], "\(apply.stdout)")
            #expect(report["exitCode"] as? Int == 1 && report["nothingSent"] as? Bool == true)
            let errors = report["errors"] as? [String] ?? []
            #expect(errors.contains { $0.contains("exceed the blast-radius limit") && $0.contains("with accept-blast-radius checked") }, "\(errors)")
            // mark-applied reads it and moves nothing.
            let path = dir.appendingPathComponent("apply.json")
            try Data(apply.stdout.utf8).write(to: path)
            let mark = try await Simfleet.run(["mark-applied", "--report", path.path], in: dir)
            #expect(mark.status == 1 && mark.stderr.contains("the apply did not converge (exit code 1)"), "\(mark.stderr)")
        }
    }
}

/// What a reviewer reads of a pull request that changes only simfleet.yaml: the steps it
/// brings in are drift repairs, not the pull request's, and the settings it changes are
/// listed by name, freezes with whether they are in effect now.
@Suite struct SettingsOnlyPullRequestTests {
    @Test func aSettingsOnlyPullRequestShowsItsSettingsAndCallsRepairsDrift() async throws {
        try await withTemporaryDirectory { dir in
            let repo = try GitRepository.withExamples(at: dir, files: ["simfleet.yaml": "policy:\n  - name: old rule\n    match: {}\n    deny: [terminate]\n"],
                                                      message: "Declare the fleet (#5)")
            try repo.run(["branch", "base"])
            try repo.run(["switch", "-q", "-c", "settings"])
            try repo.write("simfleet.yaml", """
                blastRadius: {percent: 50, minimum: 5}
                statusMap: {blocked: [LOCKED]}
                policy:
                  - name: all day
                    match: {}
                    freeze: {from: "00:00", to: "23:59", timezone: UTC, actions: [activate, restore]}

                """)
            try repo.commit("Freeze activations all day")
            let plan = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--changed-since", "base", "--pull-request-base", "base", "--format", "markdown"],
                                        in: dir, environment: GitRepository.environment)
            #expect(plan.status == 0, "\(plan.stderr)")
            let markdown = plan.stdout
            #expect(markdown.contains("#### Settings changed (simfleet.yaml)\n\n"), "\(markdown)")
            #expect(markdown.contains("- rule added: 'all day': every SIM; freeze every day 00:00–23:59 UTC (activate, restore)\n"), "\(markdown)")
            #expect(markdown.contains("- rule removed: 'old rule' (was: every SIM; deny terminate)\n"), "\(markdown)")
            #expect(markdown.contains("- status words now read as blocked: LOCKED\n"), "\(markdown)")
            #expect(markdown.contains("- blast radius: 50% of the managed SIMs, at least 5 steps (was: 10% of the managed SIMs, at least 5 steps)\n"), "\(markdown)")
            #expect(markdown.contains("- freeze 'all day' (every day 00:00–23:59 UTC (activate, restore)): in effect now\n"), "\(markdown)")
            // The steps this brings in are drift repairs: no commit of the pull request changed those SIMs.
            #expect(markdown.contains("| `89450100250731070026` | truck-045 | active → blocked | 1 |") && markdown.contains("_drift: live differs from main_"), "\(markdown)")
            #expect(!markdown.contains("_this pull request_"), "\(markdown)")
            #expect(markdown.contains("Every step comes from this pull request.") == false)
            #expect(markdown.contains("10 steps repair drift (live differs from main): the apply after merge carries out all of them."), "\(markdown)")
            // With no step at all, the settings still show.
            let quiet = try await Simfleet.run(["plan", "--simulator", "--no-progress", "--changed-since", "base", "--pull-request-base", "base",
                                          "--format", "markdown", "--target", "89450100250731069812"], in: dir, environment: GitRepository.environment)
            #expect(quiet.status == 0, "\(quiet.stderr)")
            #expect(quiet.stdout.contains("**simfleet plan:** No changes.") && quiet.stdout.contains("#### Settings changed (simfleet.yaml)\n\n- rule added: 'all day'"), "\(quiet.stdout)")
        }
    }
}
