import ArgumentParser
import FleetModel
import GitHistory
import Manifests
import Planning
import Platform
import Reconciler
import Views

extension SimfleetCommand {
    struct MarkAppliedCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark-applied",
            abstract: "Move the simfleet/applied tag to HEAD after an apply converged, and only forward.",
            discussion: """
            Reads apply's JSON report (apply --format json) and moves the tag only when its \
            exit code was 0 (converged) or 4 (converged but for terminations awaiting their \
            allowance), HEAD is on --branch, and the tag's commit is an ancestor of HEAD: a \
            re-run of an older workflow run never moves it back. It moves the local tag; push \
            it with 'git push --force origin refs/tags/simfleet/applied'. Exit status: 0 moved \
            or already there, 1 refused (nothing moved).
            """ + "\n\n" + Help.markApplied
        )

        @Option(help: "apply's JSON report (apply --format json).")
        var report: String

        @Option(help: "The tag.")
        var tag = "simfleet/applied"

        @Option(help: "The branch the pipeline applies; HEAD must be on it.")
        var branch = "origin/main"

        @Option(name: .customLong("manifests"), help: "The manifests whose blocked SIMs' break-glass holds are released (repeatable). Default: manifests")
        var paths: [String] = []

        func validate() throws {
            for (flag, ref) in [("--tag", tag), ("--branch", branch)] where ref.isEmpty || ref.hasPrefix("-") || ref.contains(where: { $0.isNewline || $0 == "\0" || $0 == " " }) {
                throw ValidationError("\(flag) needs a git ref such as simfleet/applied or origin/main")
            }
        }

        func run() async throws {
            let code: Int32
            switch RegularFile.read(report, limit: 512 << 20) {
            case .failure(let problem):
                throw refuse(Diagnostic.error(.fileRead, at: SourceLocation(path: report), "cannot read the apply report: \(problem)").formatted)
            case .success(let bytes):
                guard let recorded = ApplyReport.recordedExitCode(bytes) else {
                    throw refuse(Diagnostic.error(.reportInvalid, at: SourceLocation(path: report), "not an apply report (apply --format json) with an 'exitCode'").formatted)
                }
                code = recorded
            }
            guard ApplyReport.converged(exitCode: code) else {
                throw refuse("error: the apply did not converge (exit code \(code)); \(tag) stays where it is, so the next apply covers everything since. Nothing was moved.")
            }
            do {
                switch try AppliedTag.advance(tag: tag, branch: branch) {
                case .created(let head): Output.write(Array("\(tag) created at \(head.prefix(12)).\n".utf8))
                case .moved(let from, let to): Output.write(Array("\(tag) moved from \(from.prefix(12)) to \(to.prefix(12)).\n".utf8))
                case .alreadyThere(let head): Output.write(Array("\(tag) is already at \(head.prefix(12)).\n".utf8))
                }
            } catch {
                throw refuse("error: \(TerminalText.escape(error.description))")
            }
            try await releaseHoldsDone()
        }

        /// Holds whose SIMs the converged manifests declare blocked (or terminated) have
        /// done their work: their tags are deleted here, and pushing with --prune deletes
        /// them on the origin (`git push --prune origin 'refs/tags/simfleet/hold/*:refs/tags/simfleet/hold/*'`).
        func releaseHoldsDone() async throws {
            let holds: [ICC: Hold]
            do {
                holds = try Holds.read()
            } catch {
                throw refuse("error: \(TerminalText.escape(error.description)); the tag moved, but no hold was released")
            }
            guard !holds.isEmpty else { return }
            let set = await ManifestLoader.load(paths: paths.isEmpty ? ["manifests"] : paths)
            guard set.isValid else { throw refuse("error: the manifests do not validate, so no hold was released; run simfleet validate") }
            let done = set.sims.filter { holds[$0.icc] != nil && ($0.state == .blocked || $0.state == .terminated) }.map(\.icc)
            do {
                for icc in try Holds.release(done) {
                    Output.write(Array("released the break-glass hold on \(icc): main declares it \(set.sims.first { $0.icc == icc }!.state.rawValue).\n".utf8))
                }
            } catch {
                throw refuse("error: \(TerminalText.escape(error.description))")
            }
        }

        func refuse(_ message: String) -> ExitCode {
            Output.error(message)
            return ExitCode.failure
        }
    }
}
