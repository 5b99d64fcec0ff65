/// What `simfleet init` writes: a working GitOps repository for a fleet. Pure: the files
/// and their contents; the command decides what to write and what to leave alone.
public enum Scaffold {
    /// A file of the repository, by its path relative to the repository's root.
    public struct File: Sendable, Equatable {
        public var path: String
        public var contents: String

        public init(_ path: String, _ contents: String) {
            self.path = path
            self.contents = contents
        }
    }

    /// The CI systems `init --ci` can set up.
    public enum CI: String, CaseIterable, Sendable {
        case github, gitlab
    }

    /// The example `init` writes unless it imports a fleet instead.
    public static let exampleManifestPath = "manifests/example.yaml"

    /// The line `.gitignore` needs: apply's journals and lock live in `.simfleet/`.
    public static let ignoreLine = ".simfleet/"

    /// Every file of a new repository; `schema` is the manifest format's JSON Schema, which
    /// the example's modeline names so editors check manifests as they are typed.
    public static func files(ci: CI?, schema: String) -> [File] {
        var files = [
            File(exampleManifestPath, Templates.exampleManifest),
            File("manifests/manifest.schema.json", schema),
            File("simfleet.yaml", Templates.settings),
            File(".gitignore", ignoreLine + "\n"),
        ]
        switch ci {
        case .github:
            files += Workflows.all.map { File(".github/workflows/\($0.name).yml", $0.text) }
            files.append(File("SIMFLEET.md", Templates.guide))
        case .gitlab:
            files.append(File(".gitlab-ci.yml", GitLabPipeline.text))
            files.append(File("SIMFLEET.md", Templates.gitLabGuide))
        case nil:
            break
        }
        return files
    }
}
