import ArgumentParser
import FleetModel
import Manifests
import Operations
import SwiftCSV

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
            var request = ImportRequest()
            request.wanted = gather(&request.problems)
            request.out = out
            request.force = force
            request.manifests = manifests
            request.config = config ?? SimfleetConfig.fileName
            request.configRequired = config != nil
            request.maximumFileSize = limits.maximumFileSize
            request.followExternalLinks = limits.followExternalLinks
            request.parallelism = api.parallelism
            do {
                let result = try await ImportOperation(request, context: api.context()).run()
                throw ExitCode(result.exitStatus)
            } catch let stopped as OperationStopped {
                throw ExitCode(stopped.exitStatus)
            }
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
    }
}
