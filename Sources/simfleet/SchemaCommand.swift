import ArgumentParser
import Manifests

extension SimfleetCommand {
    struct SchemaCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the JSON Schema of the manifest format, for editors.",
            discussion: Help.schema
        )

        func run() throws {
            Output.write(Array(ManifestJSONSchema.rendered().utf8))
        }
    }
}
