import ArgumentParser
import FleetModel
import Foundation
import Manifests
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
            the five workflows of the loop and SIMFLEET.md, which explains the secrets, \
            environments, branch and tag protection to set, and the threat model.

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

        @Option(help: "Also write the CI workflows: github.")
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
            var wrote: [String] = [], kept: [String] = [], problems: [String] = []
            let files = Scaffold.files(ci: ci, schema: ManifestJSONSchema.rendered())
                .filter { importFile == nil || $0.path != Scaffold.exampleManifestPath }
            // Checked for every file before any is written: a folder on the way that is a link
            // leading outside the target would have init write wherever it points.
            let leaving = Set(files.compactMap { Self.linkLeavingTarget(on: $0.path, in: directory) })
            guard leaving.isEmpty else {
                Self.report(directory: directory, wrote: [], kept: [], problems: leaving.sorted(), ci: ci)
                Output.error("Nothing was written.")
                throw ExitCode.failure
            }
            for file in files {
                let path = PathName.join(directory, file.path)
                switch Self.existing(path) {
                case .regular where file.path == ".gitignore":
                    switch Self.addIgnoreLine(to: path) {
                    case .success(true): wrote.append(file.path + " (added \(Scaffold.ignoreLine))")
                    case .success(false): kept.append(file.path + " (it ignores \(Scaffold.ignoreLine) already)")
                    case .failure(let problem): problems.append("\(file.path): \(problem)")
                    }
                    continue
                case .regular where !force:
                    kept.append(file.path + " (it exists; --force replaces it)")
                    continue
                case .other(let kind):
                    problems.append("\(file.path): \(kind), not a regular file; left alone")
                    continue
                case .regular, .none:
                    break
                }
                do {
                    try AtomicFile.write(Array(file.contents.utf8), to: path)
                    wrote.append(file.path)
                } catch {
                    problems.append("\(file.path): cannot write it (\(error)); check the folder is writable")
                }
            }
            Self.report(directory: directory, wrote: wrote, kept: kept, problems: problems, ci: ci)
            if !problems.isEmpty { throw ExitCode.failure }
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

        /// The first folder on the way from `directory` to `relative`'s folder that is a link
        /// leading outside `directory` (or nowhere), said as a problem.
        static func linkLeavingTarget(on relative: String, in directory: String) -> String? {
            guard let top = PathName.real(directory) else { return nil }
            var folder = directory
            var spelled = ""
            for component in PathName.parent(of: relative).split(separator: "/") where component != "." {
                folder = PathName.join(folder, String(component))
                spelled = PathName.join(spelled, String(component))
                var info = stat()
                // Missing: init makes it, a real folder, and everything below it.
                guard lstat(folder, &info) == 0 else { return nil }
                guard info.st_mode & S_IFMT == S_IFLNK else { continue }
                guard let real = PathName.real(folder), PathName.isInside(real, top) else {
                    let target = PathName.real(folder).map { "to \($0)" } ?? "to nothing that exists"
                    return "\(spelled) is a link leading outside \(directory) (\(target)); init writes nothing through it. Replace it with a folder, or run init where it leads"
                }
            }
            return nil
        }

        enum Existing { case none, regular, other(String) }

        /// What is at `path`, without following a final link: a link is never written through.
        static func existing(_ path: String) -> Existing {
            var info = stat()
            guard lstat(path, &info) == 0 else { return .none }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .regular
            case S_IFLNK: return .other("a symbolic link")
            case S_IFDIR: return .other("a folder")
            default: return .other("a special file")
            }
        }

        /// Adds `.simfleet/` to an existing `.gitignore` that does not ignore it yet.
        static func addIgnoreLine(to path: String) -> Result<Bool, InitProblem> {
            let text: String
            switch TextFile.read(path, limit: 1 << 20) {
            case .success(let read): text = read
            case .failure(let problem): return .failure(InitProblem(description: "cannot read it (\(problem))"))
            }
            let ignored = TextFile.lines(text).contains { line in
                let entry = line.trimmingCharacters(in: .whitespaces)
                return entry == ".simfleet" || entry == ".simfleet/" || entry == "/.simfleet" || entry == "/.simfleet/"
            }
            guard !ignored else { return .success(false) }
            let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
            do {
                try AtomicFile.write(Array((text + separator + Scaffold.ignoreLine + "\n").utf8), to: path)
                return .success(true)
            } catch {
                return .failure(InitProblem(description: "cannot write it (\(error))"))
            }
        }

        static func report(directory: String, wrote: [String], kept: [String], problems: [String], ci: Scaffold.CI?) {
            let root = TerminalText.escape(directory)
            for path in wrote { Output.print("wrote       \(TerminalText.escape(path))") }
            for path in kept { Output.print("left alone  \(TerminalText.escape(path))") }
            for problem in problems { Output.error("error: \(TerminalText.escape(problem))") }
            guard problems.isEmpty else { return }
            Output.print("")
            Output.print("Next: edit \(root)/manifests/, then run 'simfleet validate' and 'simfleet plan --simulator' in \(root).")
            if ci == .github {
                Output.print("Before the first pull request, set the environments, secrets and protections \(root)/SIMFLEET.md lists.")
            }
        }
    }
}

struct InitProblem: Error, CustomStringConvertible {
    var description: String
}

extension Scaffold.CI: ExpressibleByArgument {}
