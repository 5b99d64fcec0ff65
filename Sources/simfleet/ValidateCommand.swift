import ArgumentParser
import Foundation
import Manifests
import Views

extension ValidationFormat: ExpressibleByArgument {}

extension SimfleetCommand {
    struct ValidateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check manifests offline and report every problem at once.",
            discussion: """
            Reads every *.yaml and *.yml file under the given paths. Needs no API key and \
            sends nothing. Exits 0 when the manifests are valid and 1 when they are not.
            """ + "\n\n" + Help.validate
        )

        @Argument(help: "Manifest files or folders.")
        var paths: [String] = ["manifests"]

        @Option(help: "Output format: text, json (diagnostics and the resolved SIMs) or github (workflow annotations).")
        var format: ValidationFormat = .text

        @OptionGroup var limits: ManifestLimits

        @Option(help: "The settings file (status words, blast radius, policy rules), checked too; a missing simfleet.yaml is no error unless named here.")
        var config: String?

        func run() async throws {
            // Only JSON lists the SIMs; the other formats need them checked and counted.
            var set = await ManifestLoader.load(paths: paths, maximumFileSize: limits.maximumFileSize,
                                                followExternalLinks: limits.followExternalLinks, keepingSIMs: format == .json)
            let settings = SimfleetConfig.load(path: config ?? SimfleetConfig.fileName, required: config != nil,
                                               followExternalLinks: limits.followExternalLinks)
            if !settings.diagnostics.isEmpty {
                set.diagnostics = (set.diagnostics + settings.diagnostics).sorted()
            }
            ValidateView.write(set, as: format, to: Output.write)
            // Exit here rather than free a fleet's worth of values one by one on the way out.
            Foundation.exit(set.isValid ? EXIT_SUCCESS : EXIT_FAILURE)
        }
    }
}
