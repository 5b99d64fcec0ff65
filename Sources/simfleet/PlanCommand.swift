import ArgumentParser
import FleetModel
import Foundation
import Planning
import Platform
import Views

extension PlanFormat: ExpressibleByArgument {}

extension SimfleetCommand {
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what apply would change, from the manifests and every SIM's live status.",
            discussion: """
            Reads each SIM's live status from NexCon (or, with --simulator, from an embedded \
            simulator) and prints an ordered plan. Sends no action. Exit status: 0 success, \
            1 errors (the rest of the plan is still shown, and --out still written), and with \
            --detailed-exitcode 2 when there are changes or SIMs with a job in progress. \
            Terminations are refused unless --allow-terminate allows them; protect: true \
            always wins.
            """
        )

        @OptionGroup var fleet: FleetOptions
        @OptionGroup var api: APIOptions

        @Option(help: "Output format: text (terminal), markdown (pull-request comment), json, or github (annotations at the manifests, then the summary).")
        var format: PlanFormat = .text

        @Option(help: "Also save the JSON plan to this file, for apply.")
        var out: String?

        @Flag(help: "Exit with 2 when the manifests and the fleet differ (refused terminations included) and there are no errors.")
        var detailedExitcode = false

        @OptionGroup var comment: CommentOptions
        @OptionGroup var stepSummary: StepSummaryOptions

        func run() async throws {
            let session = try await FleetSession.load(fleet)
            let (plan, target) = try await session.withClient(api) { client, target in
                let observed = try await session.sweep(client, api)
                return (Planner.plan(desired: session.desired, observed: observed, policy: session.policy, managed: session.managed), target)
            }
            var context = session.context(target)
            context.commentKey = comment.commentKey
            if let out {
                do {
                    try AtomicFile.write(Array(PlanView.json(plan, context: context).utf8), to: out)
                } catch {
                    Output.error(Diagnostic.error(.fileWrite, at: SourceLocation(path: out), "cannot save the plan (\(error)); check the folder exists and is writable").formatted)
                    throw ExitCode.failure
                }
            }
            stepSummary.append { room in PlanView.markdown(plan, context: context, limit: room, elsewhere: "the JSON plan (`--out`)") }
            context.color = format == .text && Terminal.colorOnStandardOutput
            Output.write(Array(PlanView.render(plan, as: format, context: context).utf8))
            if !plan.errors.isEmpty { throw ExitCode.failure }
            if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
        }
    }
}
