import ArgumentParser
import FleetModel
import Foundation
import Manifests
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
            let (written, found) = Self.edits(wanted, edit: edit, set: set, limit: limits.maximumFileSize)
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

        /// Each file's new bytes with `edit` made to the SIMs `wanted` (all declared in
        /// `set`), checked whole: nothing is to be written unless every edit is made and the
        /// edited files still validate. `break-glass` makes its edits here too.
        static func edits(_ wanted: [ICC], edit: ManifestEditor.Edit, set: ManifestSet, limit: Int) -> (written: [(path: String, bytes: [UInt8])], problems: [Diagnostic]) {
            let declared = Dictionary(set.sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
            let byFile = Dictionary(grouping: Set(wanted), by: { declared[$0]!.location.path })
            var written: [(path: String, bytes: [UInt8])] = []
            var problems: [Diagnostic] = []
            for (path, inFile) in byFile.sorted(by: { $0.key < $1.key }) {
                let bytes: [UInt8]
                switch RegularFile.read(path, limit: limit) {
                case .success(let read): bytes = read
                case .failure(let problem): return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot edit it: \(problem)")])
                }
                switch ManifestEditor.apply(Dictionary(uniqueKeysWithValues: inFile.map { ($0, edit) }), to: bytes, path: path) {
                case .failure(let problem): return ([], [problem])
                case .success(let result):
                    for icc in Set(inFile).subtracting(result.edited).sorted() {
                        problems.append(.error(.setNotEditable, at: declared[icc]!.location, "could not find this entry's 'icc:' to edit; edit it by hand"))
                    }
                    written.append((path, result.bytes))
                }
            }
            problems += check(written, against: set, wanted: wanted, edit: edit, limit: limit)
            return (problems.isEmpty ? written : [], problems)
        }

        /// The edited files must decode without errors, and declare what was asked.
        static func check(_ written: [(path: String, bytes: [UInt8])], against set: ManifestSet, wanted: [ICC], edit: ManifestEditor.Edit,
                          limit: Int) -> [Diagnostic] {
            let edited = Set(written.map(\.path))
            let sources = set.files.map { file -> ManifestSource in
                if let bytes = written.first(where: { $0.path == file })?.bytes { return ManifestSource(path: file, bytes: bytes) }
                return ManifestSource(path: file, bytes: (try? RegularFile.read(file, limit: limit).get()) ?? [])
            }
            let after = ManifestLoader.load(sources: sources)
            var problems = after.diagnostics.filter { $0.severity == .error && edited.contains($0.location.path) }
                .map { Diagnostic.error($0.code, at: $0.location, "after the edit: \($0.message); nothing was written") }
            let now = Dictionary(after.sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
            for icc in wanted where problems.isEmpty {
                guard let sim = now[icc], sim.state == edit.state, edit.note == nil || sim.note == edit.note else {
                    problems.append(.error(.setNotEditable, at: SourceLocation(path: "set"), "ICC \(icc) would not read back as state \(edit.state.rawValue) after the edit (a defaults: block or an unusual layout); edit it by hand. Nothing was written"))
                    continue
                }
            }
            return problems
        }

        func fail(_ problems: [Diagnostic], omitted: Int = 0) -> ExitCode {
            for line in problems.sorted().formattedLines(omitted: omitted) { Output.error(line) }
            Output.error("Nothing was written: fix the \(Wording.count(problems.count + omitted, "error")) above first.")
            return ExitCode.failure
        }
    }
}
