import ArgumentParser
import FleetModel
import Foundation
import GitHistory
import Platform
import Views

extension SimfleetCommand {
    struct ReleaseHoldCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release-hold",
            abstract: "End break-glass holds that main should not adopt: the SIMs may then be restored as main declares.",
            discussion: """
            Deletes the local tags simfleet/hold/ICC. A hold ends by itself when main \
            declares the SIM blocked (mark-applied releases it); release one by hand only \
            when the review decided the block was wrong, since the next apply then restores \
            the SIM as main declares. Push the deletion (git push origin --delete \
            refs/tags/simfleet/hold/ICC) from a reviewed change: the tag ruleset on \
            simfleet/* should let only the pipeline do it. Exit status: 0 released, 1 an ICC \
            had no hold (nothing released).
            """
        )

        @Argument(help: "ICCs whose holds end.")
        var iccs: [String]

        func validate() throws {
            guard !iccs.isEmpty else { throw ValidationError("name at least one ICC") }
            for icc in iccs {
                if let problem = ICC.validate(icc) { throw ValidationError(problem.message(icc: icc)) }
            }
        }

        func run() async throws {
            let wanted = iccs.map(ICC.init(unchecked:))
            do {
                let existing = try Holds.read()
                let missing = wanted.filter { existing[$0] == nil }
                guard missing.isEmpty else {
                    for icc in missing { Output.error("error: \(icc) has no break-glass hold (no tag simfleet/hold/\(icc.digits)); fetch the tags first (git fetch --tags). Nothing was released.") }
                    throw ExitCode.failure
                }
                for icc in try Holds.release(wanted) {
                    Output.write(Array("released the hold on \(icc); push it: git push origin --delete refs/tags/simfleet/hold/\(icc.digits)\n".utf8))
                }
            } catch let error as GitError {
                Output.error("error: release-hold: \(TerminalText.escape(error.description)). Nothing was released.")
                throw ExitCode.failure
            }
        }
    }
}
