import FleetModel
import Foundation
import Manifests
import Planning
import Platform
import Views

/// What import is asked to do: the SIMs named (each once, in order) and where to write.
public struct ImportRequest: Sendable {
    public var wanted: [(icc: ICC, name: String?)] = []
    /// Problems found reading the names (bad ICCs, a CSV without the column).
    public var problems: [Diagnostic] = []
    public var out = ""
    public var force = false
    /// Manifests whose SIMs are already declared, and skipped; default `manifests`, if present.
    public var manifests: [String] = []
    public var config = SimfleetConfig.fileName
    public var configRequired = false
    public var maximumFileSize = ManifestLoader.defaultMaximumFileSize
    public var followExternalLinks = false
    public var parallelism = 16

    public init() {}
}

/// Declares SIMs that already exist, as they are live: every input checked before a
/// status is read, then one manifest written whole with the SIMs that could be adopted.
public struct ImportOperation: Sendable {
    public var request: ImportRequest
    public var context: OperationContext

    public init(_ request: ImportRequest, context: OperationContext) {
        self.request = request
        self.context = context
    }

    /// How many SIMs were written, and those left out with why.
    public struct Result: Sendable {
        public var adopted: Int
        public var leftOut: [Adoption.LeftOut]
        /// 0 when every SIM named was imported (or already declared), 1 otherwise.
        public var exitStatus: Int32 { leftOut.isEmpty ? 0 : 1 }
    }

    public func run() async throws -> Result {
        var diagnostics = request.problems
        if FileManager.default.fileExists(atPath: request.out) && !request.force {
            diagnostics.append(.error(.outputExists, at: SourceLocation(path: request.out), "this file exists; choose another --out, or pass --force to replace it"))
        }
        let (settings, configDiagnostics) = SimfleetConfig.load(path: request.config, required: request.configRequired,
                                                                followExternalLinks: request.followExternalLinks)
        diagnostics += configDiagnostics
        let declared = await declaredSIMs(&diagnostics)
        guard !diagnostics.hasErrors else { throw context.refuse(diagnostics, what: "read or written") }
        var remaining: [(icc: ICC, name: String?)] = []
        for sim in request.wanted {
            if let location = declared[sim.icc] {
                context.console.error("note: ICC \(sim.icc) is already declared at \(TerminalText.escape(location.description)); skipped")
            } else {
                remaining.append(sim)
            }
        }
        guard !remaining.isEmpty else {
            context.console.error("Nothing to import: every SIM named is already declared. No file was written.")
            return Result(adopted: 0, leftOut: [])
        }
        let seed = remaining.map { DesiredSIM(icc: $0.icc, state: .active, location: SourceLocation(path: "import")) }
        let asked = seed.map(\.icc)
        let context = context
        let parallelism = request.parallelism
        let (observed, target) = try await context.nexCon.open(seed: seed, console: context.console) { nexCon, target in
            (try await FleetSession.sweep(asked, nexCon: nexCon, parallelism: parallelism, context: context, needsFacts: { _ in true }), target)
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
        if !adopted.isEmpty { context.console.error("Imported \(Wording.count(adopted.count, "SIM")) to \(TerminalText.escape(request.out)).") }
        if !leftOut.isEmpty {
            context.console.error("Left out \(Wording.count(leftOut.count, "SIM")):")
            for sim in leftOut { context.console.error("  \(sim.icc): \(TerminalText.escape(sim.reason))") }
        }
        return Result(adopted: adopted.count, leftOut: leftOut)
    }

    /// Every ICC the manifests declare, with where. The default folder may be missing.
    func declaredSIMs(_ diagnostics: inout [Diagnostic]) async -> [ICC: SourceLocation] {
        var paths = request.manifests
        if paths.isEmpty {
            guard FileManager.default.fileExists(atPath: "manifests") else { return [:] }
            paths = ["manifests"]
        }
        let set = await ManifestLoader.load(paths: paths, maximumFileSize: request.maximumFileSize, requireSIMs: false,
                                            followExternalLinks: request.followExternalLinks)
        diagnostics += set.diagnostics
        return Dictionary(set.sims.map { ($0.icc, $0.location) }, uniquingKeysWith: { first, _ in first })
    }

    func write(_ adopted: [Adoption.Adopted], target: PlanTarget) throws {
        let entries = adopted.map { sim in
            let comment = [sim.msisdnTail.map { "MSISDN ending \($0)" }, sim.product].compactMap { $0 }.joined(separator: ", ")
            return ManifestWriter.Entry(icc: sim.icc, name: sim.name, state: sim.state, comment: comment.isEmpty ? nil : comment)
        }
        let header = [
            "Imported by simfleet \(context.toolVersion). \(target.sentence)",
            "Each state is the SIM's live status at import; the comments are for orientation only.",
        ]
        do {
            try AtomicFile.write(Array(ManifestWriter.manifest(entries, header: header).utf8), to: request.out)
        } catch {
            throw context.refuse(Diagnostic.error(.fileWrite, at: SourceLocation(path: request.out), "cannot write the manifest (\(error)); check the folder exists and is writable").formatted)
        }
    }
}
