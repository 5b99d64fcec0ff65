import ArgumentParser
import FleetModel
import Foundation
import Planning
import Operations
import Views

extension SimfleetCommand {
    struct ShowCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Render a saved plan again, exactly as plan printed it.",
            discussion: """
            Reads a plan saved by 'simfleet plan --out' and prints it as text, markdown or \
            JSON, byte for byte as plan did for the same run. Reads no manifests, no key, and \
            nothing from the network.
            """ + "\n\n" + Help.show
        )

        @Argument(help: "A plan file saved by 'simfleet plan --out'.")
        var planFile: String

        @Option(help: "Output format: text (terminal), markdown (pull-request comment) or json.")
        var format: PlanFormat = .text

        @OptionGroup var comment: CommentOptions

        @Flag(help: "Text: name under each step the commit, author, date and pull request that declared it, as the plan file recorded them.")
        var explain = false

        func run() throws {
            let file: PlanFile
            switch PlanFile.read(planFile) {
            case .success(let read): file = read
            case .failure(let error):
                for diagnostic in error.diagnostics { Output.error(diagnostic.formatted) }
                throw ExitCode.failure
            }
            var context = RenderContext(target: file.target, toolVersion: file.simfleetVersion,
                                        manifestDigest: file.manifestDigest, scope: file.scope)
            context.color = format == .text && Terminal.colorOnStandardOutput
            context.commentKey = comment.commentKey
            context.explain = explain
            context.fileDigests = file.fileDigests
            Output.write(Array(PlanView.render(file.plan, as: format, context: context).utf8))
        }
    }
}
