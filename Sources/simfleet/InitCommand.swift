import ArgumentParser
import Operations
import Platform
import Scaffold
import Views

extension SimfleetCommand {
    struct InitCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Make a working GitOps repository for a fleet: example manifests, settings, and with --ci the workflows.",
            discussion: """
            Writes manifests/ (an example and the schema its modeline names), simfleet.yaml with \
            every setting commented, and a .gitignore holding .simfleet/. With --ci github, also \
            the five workflows of the loop, and with --ci gitlab its .gitlab-ci.yml, each with \
            a SIMFLEET.md that explains the secrets or variables, environments, branch and tag \
            protection to set, and the threat model.

            Existing files are left alone unless --force is given; .simfleet/ is added to an \
            existing .gitignore that lacks it. Run it again at any time: it says what it wrote \
            and what it left alone.

            With --import FILE, the SIMs a fleet already has are brought in instead of the \
            example: each one's live status is read from NexCon (as simfleet import does, with \
            the same key and API options) and declared as it is in manifests/imported.yaml, so \
            the first plan shows no changes.
            """ + "\n\n" + Help.initializing
        )

        @Argument(help: "The repository's folder.")
        var directory: String = "."

        @Option(help: "Also write the CI pipeline of the loop: github (five workflows) or gitlab (one .gitlab-ci.yml), and SIMFLEET.md.")
        var ci: Scaffold.CI?

        @Flag(help: "Replace files that exist.")
        var force = false

        @Option(name: .customLong("import"), help: "Declare the SIMs this file names, as they are live, in manifests/imported.yaml instead of writing the example: ICCs one a line, or a CSV file with --import-column.")
        var importFile: String?

        @Option(help: "With --import: read it as CSV, the ICCs in the column with this header.")
        var importColumn: String?

        @OptionGroup var api: APIOptions

        func validate() throws {
            if importColumn != nil && importFile == nil {
                throw ValidationError("--import-column reads the --import file as CSV; pass --import FILE")
            }
        }

        func run() async throws {
            let result = InitOperation(directory: directory, ci: ci, force: force, withoutExample: importFile != nil).run()
            report(result)
            if !result.problems.isEmpty { throw ExitCode.failure }
            if let importFile { try await importFleet(from: importFile) }
        }

        /// `simfleet import` into manifests/imported.yaml, with this run's API options.
        func importFleet(from file: String) async throws {
            let out = PathName.join(directory, "manifests/imported.yaml")
            // The SIMs already declared are the new repository's, never the current folder's.
            var arguments = ["--out", out, "--config", PathName.join(directory, "simfleet.yaml"),
                             "--manifests", PathName.join(directory, "manifests")]
            // `--name=value`: a file named like an option ("-fleet.txt") stays a value.
            arguments += importColumn.map { ["--csv=\(file)", "--column=\($0)"] } ?? ["--icc-file=\(file)"]
            if force { arguments.append("--force") }
            var command = try ImportCommand.parse(arguments)
            command.api = api
            try await command.run()
        }

        func report(_ result: InitOperation.Result) {
            let root = TerminalText.escape(directory)
            for path in result.wrote { Output.print("wrote       \(TerminalText.escape(path))") }
            for path in result.kept { Output.print("left alone  \(TerminalText.escape(path))") }
            for problem in result.problems { Output.error("error: \(TerminalText.escape(problem))") }
            if result.refusedWhole { Output.error("Nothing was written.") }
            guard result.problems.isEmpty else { return }
            Output.print("")
            Output.print("Next: edit \(root)/manifests/, then run 'simfleet validate' and 'simfleet plan --simulator' in \(root).")
            if ci != nil {
                Output.print("Before the first \(ci == .gitlab ? "merge" : "pull") request, set the environments, variables and protections \(root)/SIMFLEET.md lists.")
            }
        }
    }
}

extension Scaffold.CI: ExpressibleByArgument {}
