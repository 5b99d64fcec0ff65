import ArgumentParser
import FleetModel
import Manifests
import Operations

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
            var request = BreakGlassRequest()
            request.iccs = iccs.map(ICC.init(unchecked:))
            request.reason = reason
            request.paths = paths.isEmpty ? ["manifests"] : paths
            request.config = config ?? SimfleetConfig.fileName
            request.configRequired = config != nil
            request.branch = branch
            request.run = run
            request.by = by
            request.force = force
            request.journal = journal
            request.parallelism = api.parallelism
            request.maximumFileSize = limits.maximumFileSize
            request.followExternalLinks = limits.followExternalLinks
            let result: BreakGlassOperation.Result
            do {
                result = try await BreakGlassOperation(request, context: api.context()).run()
            } catch let stopped as OperationStopped {
                throw ExitCode(stopped.exitStatus)
            }
            let (blocked, holds) = (result.holds.count, result.holds)
            Output.write(Array("""

                Blocked \(Wording.count(blocked, "SIM")). The branch \(result.branch) (commit \(result.commit.prefix(12))) declares \(blocked == 1 ? "it" : "them") blocked, and \(blocked == 1 ? "a hold keeps it" : "holds keep them") blocked until main does:
                \(holds.map { "  tag \($0.tag)" }.joined(separator: "\n"))
                Push them, and open a pull request from the branch:
                  git push origin \(result.branch) \(holds.map { "refs/tags/\($0.tag)" }.joined(separator: " "))

                """.utf8))
            throw ExitCode(result.exitStatus)
        }
    }
}
