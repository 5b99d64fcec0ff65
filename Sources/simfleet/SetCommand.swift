import ArgumentParser
import FleetModel
import Foundation
import Manifests
import Operations
import Platform
import Views

extension SimfleetCommand {
    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change declared SIMs' state (and note) in the manifests, in place.",
            discussion: """
            Edits only what it must: the value of each SIM's own 'state:' (or one line added \
            when it inherits the state from 'defaults:') and its 'note:'; comments, order and \
            layout stay as they are. Sends nothing: commit the change and let the pipeline \
            plan and apply it (the break-glass workflow does both). Every ICC must be declared \
            in the manifests, and the edited manifests must still validate; otherwise nothing \
            is written. Exit status: 0 written, 1 nothing written.
            """ + "\n\n" + Help.set
        )

        @Argument(help: "ICCs of declared SIMs.")
        var iccs: [String]

        @Option(help: "The state to declare: active, blocked, inactive or terminated.")
        var state: String

        @Option(help: "The note to write into each entry (a ticket, a reason); replaces an existing note.")
        var note: String?

        @Option(name: .customLong("manifests"), help: "Manifest files or folders to edit (repeatable). Default: manifests")
        var paths: [String] = []

        @OptionGroup var limits: ManifestLimits

        func validate() throws {
            guard !iccs.isEmpty else { throw ValidationError("name at least one ICC") }
            for icc in iccs {
                if let problem = ICC.validate(icc) { throw ValidationError(problem.message(icc: icc)) }
            }
            guard SIMState(rawValue: state) != nil else {
                throw ValidationError("--state must be one of \(SIMState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let note, note.unicodeScalars.count > 1_000 { throw ValidationError("--note is longer than 1,000 characters") }
        }

        func run() async throws {
            let desired = SIMState(rawValue: state)!
            let roots = paths.isEmpty ? ["manifests"] : paths
            let set = await ManifestLoader.load(paths: roots, maximumFileSize: limits.maximumFileSize,
                                                followExternalLinks: limits.followExternalLinks)
            var problems = set.diagnostics.filter { $0.severity == .error }
            let declared = Dictionary(set.sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
            let wanted = iccs.map(ICC.init(unchecked:))
            for icc in wanted where declared[icc] == nil && set.isValid {
                problems.append(.error(.setUndeclared, at: SourceLocation(path: "set"), "ICC \(icc) is not declared in \(roots.joined(separator: ", ")); set edits declared SIMs only (bring it in with simfleet import first)"))
            }
            guard problems.isEmpty else { throw fail(problems, omitted: set.omittedDiagnostics) }

            let edit = ManifestEditor.Edit(state: desired, note: note)
            let (written, found) = ManifestEdits.make(wanted, edit: edit, set: set, limit: limits.maximumFileSize)
            guard found.isEmpty else { throw fail(found) }
            var done: [String] = []
            for (path, bytes) in written {
                do {
                    try AtomicFile.write(bytes, to: path)
                    done.append(path)
                } catch {
                    // Each file is replaced whole; say which ones already were.
                    Output.error(Diagnostic.error(.fileWrite, at: SourceLocation(path: path), "cannot write it (\(error)); \(done.isEmpty ? "nothing was written" : "already written: " + done.joined(separator: ", ") + "; review them with git diff")").formatted)
                    throw ExitCode.failure
                }
            }
            for icc in wanted.sorted() {
                let sim = declared[icc]!
                let name = sim.name.map { " (\($0))" } ?? ""
                let change = sim.state == desired ? "state \(desired.rawValue) (unchanged)" : "state \(sim.state.rawValue) → \(desired.rawValue)"
                Output.write(Array("\(TerminalText.escape(sim.location.description)): SIM \(icc)\(TerminalText.escape(name)): \(change)\(note == nil ? "" : "; note set")\n".utf8))
            }
            Output.write(Array("Edited \(Wording.count(wanted.count, "SIM")) in \(Wording.count(written.count, "file")); nothing was sent. Commit the change, and plan it.\n".utf8))
        }

        func fail(_ problems: [Diagnostic], omitted: Int = 0) -> ExitCode {
            for line in problems.sorted().formattedLines(omitted: omitted) { Output.error(line) }
            Output.error("Nothing was written: fix the \(Wording.count(problems.count + omitted, "error")) above first.")
            return ExitCode.failure
        }
    }
}
