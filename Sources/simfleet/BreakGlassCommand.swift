import ArgumentParser
import FleetModel
import Foundation
import GitHistory
import Manifests
import NexConClient
import Planning
import Platform
import Reconciler
import Views

extension SimfleetCommand {
    struct BreakGlassCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "break-glass",
            abstract: "Block SIMs now, at any hour, and make the block stay: a branch declaring it, and a hold per SIM.",
            discussion: """
            For a stolen or misused SIM. Checks every ICC before sending anything: each must \
            be declared in the manifests and live active now, the edit into its manifest \
            must be possible, and git must be able to write the branch; otherwise nothing is \
            sent (exit 1). Then it blocks them (a freeze does not hold back a break-glass \
            block; every other policy rule, protect, the blast radius, the journal and the \
            apply lock hold), writes state: blocked and the reason into the manifests on a \
            new branch (the work tree and the current branch are left alone), and records a \
            hold for each blocked SIM as the tag simfleet/hold/ICC on that commit. While a \
            hold exists and main still declares the SIM otherwise, no plan or apply restores \
            or activates it. Push the branch and the holds, and open a pull request: merging \
            it makes main declare the block, and mark-applied then releases the holds. \
            Exit status: 0 every SIM blocked, 1 nothing sent, 3 some blocked (the branch and \
            holds cover those).
            """
        )

        @Argument(help: "ICCs of declared SIMs to block now.")
        var iccs: [String]

        @Option(help: "Why (a ticket, what happened): written into each SIM's note and its hold.")
        var reason: String

        @Option(name: .customLong("manifests"), help: "Manifest files or folders (repeatable). Default: manifests")
        var paths: [String] = []

        @Option(help: "Settings file. Default: simfleet.yaml in the current folder, if there is one.")
        var config: String?

        @Option(help: "The new branch. Default: break-glass/RUN, or break-glass/UTC-TIME for a local run.")
        var branch: String?

        @Option(help: "The workflow run that asked for it. Default: $GITHUB_RUN_ID, or local.")
        var run: String?

        @Option(help: "Who broke the glass. Default: $GITHUB_ACTOR, or $USER.")
        var by: String?

        @Flag(help: "Block even past the blast-radius limit.")
        var force = false

        @Option(help: "Journal file (JSON Lines). Default: .simfleet/journal/<UTC time>.jsonl")
        var journal: String?

        @OptionGroup var api: APIOptions
        @OptionGroup var limits: ManifestLimits

        func validate() throws {
            guard !iccs.isEmpty else { throw ValidationError("name at least one ICC to block") }
            for icc in iccs {
                if let problem = ICC.validate(icc) { throw ValidationError(problem.message(icc: icc)) }
            }
            let trimmed = reason.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, reason.unicodeScalars.count <= 500, !reason.unicodeScalars.contains(where: ControlCharacters.contains) else {
                throw ValidationError("--reason is one line of 1 to 500 characters (a ticket, what happened)")
            }
            for (flag, value) in [("--run", run), ("--by", by)] {
                if let value, value.isEmpty || value.unicodeScalars.count > 100 || value.unicodeScalars.contains(where: ControlCharacters.contains) {
                    throw ValidationError("\(flag) is one line of 1 to 100 characters")
                }
            }
        }

        func run() async throws {
            let lock = try ApplyCommand.takeLock()
            defer { withExtendedLifetime(lock) {} }
            let environment = ProcessInfo.processInfo.environment
            let now = Date()
            let stamp = Timestamp.iso8601(now)
            let runID = run ?? environment["GITHUB_RUN_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? "local"
            let who = by ?? environment["GITHUB_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? "unknown"
            let branchName = branch ?? "break-glass/" + (runID == "local" ? stamp.filter { $0.isNumber } : runID)
            let roots = paths.isEmpty ? ["manifests"] : paths
            let wanted = Array(Set(iccs.map(ICC.init(unchecked:)))).sorted()

            // Everything that could stop the record is checked before a block is sent.
            var fleetArguments = roots + wanted.flatMap { ["--target", $0.digits] }
            if let config { fleetArguments += ["--config", config] }
            if limits.followExternalLinks { fleetArguments.append("--follow-external-links") }
            let session = try await FleetSession.load(try FleetOptions.parse(fleetArguments))
            let record: BreakGlassRecord
            do {
                record = try BreakGlassRecord.prepare(branch: branchName)
            } catch {
                throw Self.refuse(["error: \(error.description)"])
            }
            let set = await ManifestLoader.load(paths: roots, maximumFileSize: limits.maximumFileSize, followExternalLinks: limits.followExternalLinks)
            let edit = ManifestEditor.Edit(state: .blocked, note: "break glass by \(who), run \(runID): \(reason)")
            let (_, editProblems) = SetCommand.edits(wanted, edit: edit, set: set, limit: limits.maximumFileSize)
            guard editProblems.isEmpty else { throw Self.refuse(editProblems.sorted().formattedLines(omitted: 0)) }

            let options = breakGlassOptions(session)
            let report: ApplyReport = try await session.withClient(api) { client, target in
                let observed = try await session.sweep(client, api)
                var problems: [String] = []
                var steps: [Step] = []
                for sim in session.desired {
                    let word: String? = if case .status(let word, _) = observed[sim.icc] { word } else { nil }
                    let live = word.flatMap { options.policy.statusMapping.state(for: $0)?.settled }
                    guard live == .active else {
                        let now = live.map { "is \($0.rawValue)" } ?? "could not be read as a settled state (\(TerminalText.escape(word ?? "no answer")))"
                        problems.append(Diagnostic.error(.breakGlass, at: sim.location, "SIM \(sim.icc) \(now); break glass blocks only a SIM that is active now (a SIM that needs another action first goes through a pull request)").formatted)
                        continue
                    }
                    steps.append(Step(icc: sim.icc, name: sim.name, action: .block, from: .active, to: .blocked, wave: 1, manifestNote: sim.note,
                                      callbackURL: sim.callbackURL, protect: sim.protect, location: sim.location))
                }
                options.policy.judge(&steps, labels: Planner.labels(of: session.desired), clock: PolicyClock(now: now))
                for step in steps {
                    if let refusal = options.policy.refusal(step) {
                        problems.append(Diagnostic.error(.breakGlass, at: step.location, "SIM \(step.icc): \(refusal.message)").formatted)
                    }
                }
                guard problems.isEmpty else { throw Self.refuse(problems) }
                let radius = options.policy.blastRadius(of: steps, managed: session.managed)
                if radius.exceeded && !force {
                    throw Self.refuse(["error: \(radius.sentence) (the blast-radius limit); nothing was sent. Block fewer SIMs, or pass --force if this many are truly lost"])
                }
                var apply = try ApplyCommand.parse(journal.map { ["--journal", $0] } ?? [])
                apply.api = api
                return try await apply.execute(steps, client: client, target: target, digest: session.context(target).manifestDigest,
                                               options: options, stop: StopFlag())
            }
            Output.write(Array(report.text().utf8))
            let blocked = report.results.filter { $0.outcome.converged }.map(\.step.icc).sorted()
            guard !blocked.isEmpty else {
                Output.error("Nothing was blocked, so no branch or hold was written.")
                throw ExitCode(3)
            }
            let (files, problems) = SetCommand.edits(blocked, edit: edit, set: set, limit: limits.maximumFileSize)
            let holds = blocked.map { Hold(icc: $0, reason: reason, run: runID, branch: branchName, by: who, at: stamp) }
            var commit: String?
            var failure = problems.sorted().formattedLines(omitted: 0).joined(separator: "; ")
            if problems.isEmpty {
                do {
                    commit = try record.write(files: files, message: "Break glass: block \(blocked.map(\.digits).joined(separator: " "))\n\n\(reason)\n\nBy \(who), run \(runID).\n",
                                              holds: holds)
                } catch {
                    failure = error.description
                }
            }
            guard let commit else {
                // The SIMs are blocked, but nothing keeps them so: say it loudly.
                Output.error("error: the SIMs above are blocked, but break glass could not write its branch and holds: \(TerminalText.escape(failure)). Until main declares them blocked, a full apply would restore them: run 'simfleet set \(blocked.map(\.digits).joined(separator: " ")) --state blocked' and open a pull request now.")
                throw ExitCode(3)
            }
            Output.write(Array("""

                Blocked \(Wording.count(blocked.count, "SIM")). The branch \(branchName) (commit \(commit.prefix(12))) declares \(blocked.count == 1 ? "it" : "them") blocked, and \(blocked.count == 1 ? "a hold keeps it" : "holds keep them") blocked until main does:
                \(holds.map { "  tag \($0.tag)" }.joined(separator: "\n"))
                Push them, and open a pull request from the branch:
                  git push origin \(branchName) \(holds.map { "refs/tags/\($0.tag)" }.joined(separator: " "))

                """.utf8))
            throw ExitCode(report.exitCode == 0 ? 0 : 3)
        }

        /// Apply's settings for break glass: every rule but the freezes.
        func breakGlassOptions(_ session: FleetSession) -> ApplyOptions {
            var options = ApplyOptions()
            options.parallelism = api.parallelism
            options.policy = session.policy.ignoringFreezes
            options.labels = Planner.labels(of: session.desired)
            return options
        }

        /// Prints every reason and ends with nothing sent.
        static func refuse(_ lines: [String]) -> ExitCode {
            for line in lines { Output.error(line) }
            Output.error("Nothing was sent.")
            return ExitCode.failure
        }
    }
}
