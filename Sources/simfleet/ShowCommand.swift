import ArgumentParser
import FleetModel
import Foundation
import Planning

extension SimfleetCommand {
    struct ShowCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Render a saved plan again, exactly as plan printed it.",
            discussion: """
            Reads a plan saved by 'simfleet plan --out' and prints it as text, markdown or \
            JSON, byte for byte as plan did for the same run. Reads no manifests, no key, and \
            nothing from the network.
            """
        )

        @Argument(help: "A plan file saved by 'simfleet plan --out'.")
        var planFile: String

        @Option(help: "Output format: text (terminal), markdown (pull-request comment) or json.")
        var format: PlanFormat = .text

        @Option(help: "The comment key plan was given, for the same markdown marker.")
        var commentKey: String?

        func validate() throws {
            if let commentKey, !MarkdownText.isValidCommentKey(commentKey) {
                throw ValidationError("--comment-key may hold only letters, digits, '.', '_' and '-', at most 64 of them")
            }
        }

        func run() throws {
            let bytes: [UInt8]
            switch BoundedFile.read(planFile, limit: PlanFile.maximumSize, what: "plan file") {
            case .success(let read): bytes = read
            case .failure(let diagnostic):
                Output.error(diagnostic.formatted)
                throw ExitCode.failure
            }
            let file: PlanFile
            switch PlanFile.decode(bytes, path: planFile) {
            case .success(let decoded): file = decoded
            case .failure(let error):
                for diagnostic in error.diagnostics { Output.error(diagnostic.formatted) }
                throw ExitCode.failure
            }
            var context = RenderContext(target: file.target, toolVersion: file.simfleetVersion,
                                        manifestDigest: file.manifestDigest, scope: file.scope)
            context.color = format == .text && Terminal.colorOnStandardOutput
            context.commentKey = commentKey
            Output.write(Array(PlanRenderer.render(file.plan, as: format, context: context).utf8))
        }
    }
}
