import ArgumentParser
import FleetModel
import Foundation
import Manifests
import Operations
import Planning
import Platform
import SwiftCSV
import Views

extension SimfleetCommand {
    struct ImportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Write a manifest for SIMs that already exist, declaring each one's live state.",
            discussion: """
            Reads each SIM's live status (as plan does) and writes a manifest to --out that \
            declares it as it is, so a plan over it shows no changes. Each entry's comment \
            gives the MSISDN's last four digits and the live product, for orientation. SIMs \
            already declared under --manifests are skipped; SIMs that are not found, cannot \
            be read, have a job running or an unknown status are left out, each with its \
            reason. Never overwrites a file without --force. Exit status: 0 all imported \
            (or nothing to import), 1 errors or SIMs left out.
            """ + "\n\n" + Help.importing
        )

        @Argument(help: "ICCs to import.")
        var iccs: [String] = []

        @Option(help: "Also import the ICCs in this file, one a line; '#' starts a comment.")
        var iccFile: String?

        @Option(help: "Also import from this CSV file (with a header row); needs --column.")
        var csv: String?

        @Option(help: "The CSV column, by its header, that holds the ICCs.")
        var column: String?

        @Option(help: "The CSV column, by its header, whose value becomes each SIM's name.")
        var nameColumn: String?

        @Option(help: "The manifest file to write.")
        var out: String

        @Flag(help: "Overwrite --out if it exists.")
        var force = false

        @Option(name: .customLong("manifests"), help: "Manifest files or folders whose SIMs are already declared, and skipped (repeatable).")
        var manifests: [String] = []

        @Option(help: "Settings file (status words). Default: simfleet.yaml in the current folder, if there is one.")
        var config: String?

        @OptionGroup var limits: ManifestLimits
        @OptionGroup var api: APIOptions

        func validate() throws {
            if csv != nil && column == nil { throw ValidationError("--csv needs --column NAME: the header of the column that holds the ICCs") }
            if csv == nil && (column != nil || nameColumn != nil) { throw ValidationError("--column and --name-column read a CSV file; pass --csv FILE") }
            if iccs.isEmpty && iccFile == nil && csv == nil { throw ValidationError("name the SIMs to import: ICCs as arguments, --icc-file FILE or --csv FILE --column NAME") }
        }

        func run() async throws {
            var diagnostics: [Diagnostic] = []
            let wanted = gather(&diagnostics)
            if FileManager.default.fileExists(atPath: out) && !force {
                diagnostics.append(.error(.outputExists, at: SourceLocation(path: out), "this file exists; choose another --out, or pass --force to replace it"))
            }
            let (settings, configDiagnostics) = SimfleetConfig.load(path: config ?? SimfleetConfig.fileName, required: config != nil,
                                                                    followExternalLinks: limits.followExternalLinks)
            diagnostics += configDiagnostics
            let declared = await declaredSIMs(&diagnostics)
            guard !diagnostics.hasErrors else {
                for line in diagnostics.sorted().formattedLines(omitted: 0) { Output.error(line) }
                Output.error("Nothing was read or written: fix the \(Wording.count(diagnostics.errorCount, "error")) above first.")
                throw ExitCode.failure
            }
            var remaining: [(icc: ICC, name: String?)] = []
            for sim in wanted {
                if let location = declared[sim.icc] {
                    Output.error("note: ICC \(sim.icc) is already declared at \(TerminalText.escape(location.description)); skipped")
                } else {
                    remaining.append(sim)
                }
            }
            guard !remaining.isEmpty else {
                Output.error("Nothing to import: every SIM named is already declared. No file was written.")
                return
            }
            let seed = remaining.map { DesiredSIM(icc: $0.icc, state: .active, location: SourceLocation(path: "import")) }
            let asked = seed.map(\.icc)
            let context = api.context()
            let parallelism = api.parallelism
            let (observed, target): ([ICC: Observation], PlanTarget)
            do {
                (observed, target) = try await context.nexCon.open(seed: seed, console: context.console) { nexCon, target in
                    (try await FleetSession.sweep(asked, nexCon: nexCon, parallelism: parallelism, context: context, needsFacts: { _ in true }), target)
                }
            } catch let stopped as OperationStopped {
                throw ExitCode(stopped.exitStatus)
            }
            var adopted: [Adoption.Adopted] = []
            var leftOut: [Adoption.LeftOut] = []
            for sim in remaining {
                switch Adoption.decide(sim.icc, name: sim.name, observation: observed[sim.icc], mapping: settings.statusMapping) {
                case .success(let one): adopted.append(one)
                case .failure(let one): leftOut.append(one)
                }
            }
            if !adopted.isEmpty { try write(adopted, target: target) }
            report(adopted: adopted.count, leftOut: leftOut)
            if !leftOut.isEmpty { throw ExitCode.failure }
        }

        /// The ICCs named, in order, each once, with names from the CSV; bad lines are diagnostics.
        func gather(_ diagnostics: inout [Diagnostic]) -> [(icc: ICC, name: String?)] {
            var wanted: [(icc: ICC, name: String?)] = []
            var seen: Set<ICC> = []
            func add(_ icc: ICC, _ name: String?) {
                if seen.insert(icc).inserted { wanted.append((icc, name)) }
            }
            for (index, text) in iccs.enumerated() {
                if let problem = ICC.validate(text) {
                    diagnostics.append(problem.diagnostic(icc: text, at: SourceLocation(path: "argument \(index + 1)")))
                } else {
                    add(ICC(unchecked: text), nil)
                }
            }
            if let iccFile {
                let (listed, problems) = ICCList.read(iccFile, what: "ICC file")
                diagnostics += problems
                for icc in listed { add(icc, nil) }
            }
            if let csv, let column {
                let (rows, problems) = CSVImport.read(csv, column: column, nameColumn: nameColumn)
                diagnostics += problems
                for row in rows { add(row.icc, row.name) }
            }
            return wanted
        }

        /// Every ICC the manifests declare, with where. The default folder may be missing.
        func declaredSIMs(_ diagnostics: inout [Diagnostic]) async -> [ICC: SourceLocation] {
            var paths = manifests
            if paths.isEmpty {
                guard FileManager.default.fileExists(atPath: "manifests") else { return [:] }
                paths = ["manifests"]
            }
            let set = await ManifestLoader.load(paths: paths, maximumFileSize: limits.maximumFileSize, requireSIMs: false,
                                                    followExternalLinks: limits.followExternalLinks)
            diagnostics += set.diagnostics
            return Dictionary(set.sims.map { ($0.icc, $0.location) }, uniquingKeysWith: { first, _ in first })
        }

        func write(_ adopted: [Adoption.Adopted], target: PlanTarget) throws {
            let entries = adopted.map { sim in
                let comment = [sim.msisdnTail.map { "MSISDN ending \($0)" }, sim.product].compactMap { $0 }.joined(separator: ", ")
                return ManifestWriter.Entry(icc: sim.icc, name: sim.name, state: sim.state, comment: comment.isEmpty ? nil : comment)
            }
            let header = [
                "Imported by simfleet \(SimfleetVersion.current). \(target.sentence)",
                "Each state is the SIM's live status at import; the comments are for orientation only.",
            ]
            do {
                try AtomicFile.write(Array(ManifestWriter.manifest(entries, header: header).utf8), to: out)
            } catch {
                Output.error(Diagnostic.error(.fileWrite, at: SourceLocation(path: out), "cannot write the manifest (\(error)); check the folder exists and is writable").formatted)
                throw ExitCode.failure
            }
        }

        func report(adopted: Int, leftOut: [Adoption.LeftOut]) {
            if adopted > 0 { Output.error("Imported \(Wording.count(adopted, "SIM")) to \(TerminalText.escape(out)).") }
            guard !leftOut.isEmpty else { return }
            Output.error("Left out \(Wording.count(leftOut.count, "SIM")):")
            for sim in leftOut { Output.error("  \(sim.icc): \(TerminalText.escape(sim.reason))") }
        }
    }
}

/// The ICC column (and optionally a name column) of a CSV file, read with SwiftCSV.
enum CSVImport {
    struct Row {
        var icc: ICC
        var name: String?
    }

    static func read(_ path: String, column: String, nameColumn: String?) -> (rows: [Row], diagnostics: [Diagnostic]) {
        let text: String
        switch TextFile.read(path, limit: 64 << 20) {
        case .success(let read): text = read
        case .failure(let problem): return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot use the CSV file: \(problem)")])
        }
        let table: CSV<Enumerated>
        do {
            table = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            return ([], [.error(.csvInvalid, at: SourceLocation(path: path), "not a CSV file simfleet can read (\(error)); check its quoting")])
        }
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces) }
        var diagnostics: [Diagnostic] = []
        func index(of name: String) -> Int? {
            if let found = header.firstIndex(of: name) { return found }
            diagnostics.append(.error(.csvColumn, at: SourceLocation(path: path, line: 1, column: 1),
                                      "no column named '\(name)'; the header has \(header.map { "'\($0)'" }.joined(separator: ", "))"))
            return nil
        }
        let iccIndex = index(of: column)
        let nameIndex = nameColumn.flatMap(index(of:))
        guard let iccIndex, diagnostics.isEmpty else { return ([], diagnostics) }
        var rows: [Row] = []
        // A record's first line: the header is line 1, and quoted fields may span lines.
        var line = 2 + header.joined().filter(\.isNewline).count
        for record in table.rows {
            defer { line += 1 + record.joined().filter(\.isNewline).count }
            guard record.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { continue }
            let value = iccIndex < record.count ? record[iccIndex].trimmingCharacters(in: .whitespaces) : ""
            if let problem = ICC.validate(value) {
                diagnostics.append(.error(problem.code, at: SourceLocation(path: path, line: line, column: 1), "column '\(column)': " + problem.message(icc: value)))
                continue
            }
            let name = nameIndex.flatMap { $0 < record.count ? record[$0].trimmingCharacters(in: .whitespaces) : nil }
            rows.append(Row(icc: ICC(unchecked: value), name: name?.isEmpty == false ? name : nil))
        }
        return (rows, diagnostics)
    }
}
