import ArgumentParser
import Manifests

extension SimfleetCommand {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of the manifest format, for editors."
        )

        func run() throws {
            Output.write(Array(ManifestJSONSchema.rendered().utf8))
        }
    }
}
