import FleetModel
import Foundation
import GitHistory
import Manifests
import NexConClient
import Planning
import Platform
import Reconciler
import Views

/// The steps plan, apply and break glass share: read settings and manifests, choose the
/// SIMs, and read live statuses. Anything wrong before a request is sent stops the run
/// with exit status 1 and nothing sent.
public struct FleetSession: Sendable {
    public var config: SimfleetConfig
    /// The SIMs in scope, in manifest order.
    public var desired: [DesiredSIM]
    public var policy: Policy
    public var scope: PlanScope
    /// Every SIM the manifests declare, in scope or not: the blast radius is a share of these.
    public var managed: Int
    /// With --changed-since and a changed simfleet.yaml: what changed in it, and each
    /// freeze's state now, for the reviewer.
    public var settingsChanges: [String] = []
    /// With --changed-since: each SIM in scope's state as the base declared it (a SIM the
    /// base did not declare is absent), for a declared-only plan.
    public var declaredAtBase: [ICC: SIMState]?
    /// Every file the manifests were read from, for break glass's edits.
    public var manifests: ManifestSet
    /// This simfleet's version, as plans and journals record it.
    public var toolVersion: String

    /// How `--changed-since` picks its base commit: a ref given now, or the commit a saved plan recorded.
    enum Base: Sendable {
        case ref(String)
        case recorded(ref: String, mergeBase: String)
    }

    /// For a fresh plan: the manifests and targets of the request.
    public static func load(_ request: FleetRequest, context: OperationContext) async throws -> FleetSession {
        try await load(request, base: request.changedSince.map(Base.ref), context: context)
    }

    /// For a saved plan: the manifests, targets and base commit the plan recorded.
    public static func load(scope: PlanScope, request: FleetRequest, context: OperationContext) async throws -> FleetSession {
        var recorded = request
        recorded.paths = scope.paths
        recorded.targeting = scope.targeting
        recorded.targetSource = "the plan's scope"
        recorded.targetDiagnostics = []
        recorded.pullRequestBase = nil
        return try await load(recorded, base: scope.changedSince.map { Base.recorded(ref: $0.ref, mergeBase: $0.mergeBase) }, context: context)
    }

    private static func load(_ request: FleetRequest, base: Base?, context: OperationContext) async throws -> FleetSession {
        let (config, configDiagnostics) = SimfleetConfig.load(path: request.config, required: request.configRequired,
                                                              followExternalLinks: request.followExternalLinks)
        // git's side of --changed-since runs beside the work tree's decoding.
        let history = base.map { base in Task { await readBase(base, request: request, folder: context.folder) } }
        let set = await ManifestLoader.load(paths: request.paths, maximumFileSize: request.maximumFileSize,
                                            followExternalLinks: request.followExternalLinks)
        var diagnostics = configDiagnostics + set.diagnostics + request.targetDiagnostics
        let targeting = request.targeting
        let (selected, unknown) = targeting.select(set.sims)
        for icc in unknown {
            diagnostics.append(Targeting.undeclared(icc, at: request.targetSource))
        }
        // An empty shard of a small fleet is no mistake; empty targets or labels are.
        if set.isValid && !(targeting.iccs.isEmpty && targeting.labels.isEmpty) && selected.isEmpty {
            diagnostics.append(Targeting.noMatch(at: request.targetSource, "no SIMs match"))
        }
        var policy = Policy(allowTerminate: request.terminateAllowance, statusMapping: config.statusMapping,
                            blastRadiusPercent: config.blastRadiusPercent, blastRadiusMinimum: config.blastRadiusMinimum,
                            rules: config.policy)
        if set.isValid { diagnostics += policy.allowanceProblems(declared: set.sims) }
        // Break-glass holds travel with the repository's tags; one that cannot be read stops the run.
        do {
            policy.holds = Policy.holdsInForce(try await Blocking.run { try Holds.read(from: context.folder) }, declared: set.sims)
        } catch {
            diagnostics.append(.error(.gitHolds, at: SourceLocation(path: "refs/tags/" + Hold.tagPrefix), "\(error)"))
        }
        if diagnostics.hasErrors {
            throw context.refuse(diagnostics, omitted: set.omittedDiagnostics)
        }
        var settingsChanges: [String] = []
        var scope = PlanScope(paths: request.paths, targets: Array(targeting.iccs), labels: targeting.labels, shard: targeting.shard,
                              unselected: set.sims.count - selected.count)
        var inScope = selected
        var declaredAtBase: [ICC: SIMState]?
        if let base, let history {
            let read = await history.value
            let changes = try changes(since: base, read: read, set: set, selected: selected, request: request, context: context)
            inScope = changes.changed
            scope.changedSince = changes.base
            declaredAtBase = changes.atBase
            if case .success(let manifests) = read, manifests.settingsChange != nil {
                settingsChanges = Self.settingsChanges(config, base: manifests.baseSettings, path: request.config, now: context.wallClock())
            }
        }
        return FleetSession(config: config, desired: inScope, policy: policy, scope: scope, managed: set.sims.count,
                            settingsChanges: settingsChanges, declaredAtBase: declaredAtBase, manifests: set, toolVersion: context.toolVersion)
    }

    /// The manifests at the base commit and since, read through git off the cooperative pool.
    private static func readBase(_ base: Base, request: FleetRequest, folder: String) async -> Swift.Result<ManifestBase, GitError> {
        await Blocking.result { () throws(GitError) -> ManifestBase in
            do throws(GitError) {
                return switch base {
                case .ref(let ref):
                    try ManifestBase.read(ref: ref, paths: request.paths, settingsPath: request.config,
                                          maximumFileSize: request.maximumFileSize, from: folder)
                case .recorded(let ref, let mergeBase):
                    try ManifestBase.read(ref: ref, mergeBase: mergeBase, paths: request.paths, settingsPath: request.config,
                                          maximumFileSize: request.maximumFileSize, from: folder)
                }
            } catch {
                throw error.forChangedSince
            }
        }
    }

    /// The selected SIMs whose desired state differs from the base commit's.
    /// A changed settings file (status words, blast radius) can change any SIM's verdict,
    /// so then every selected SIM is planned.
    private static func changes(since base: Base, read: Result<ManifestBase, GitError>, set: ManifestSet, selected: [DesiredSIM],
                                request: FleetRequest, context: OperationContext) throws -> (changed: [DesiredSIM], base: ChangeBase, atBase: [ICC: SIMState]) {
        var manifests: ManifestBase
        switch read {
        case .success(let read): manifests = read
        case .failure(let error):
            throw context.refuse("error: \(TerminalText.escape(error.description)). Nothing was sent.")
        }
        let untrusted = Set(manifests.changedFiles.diagnostics.filter { $0.severity == .error }.map(\.location.path))
        let identicalFiles = manifests.identicalFiles(among: set.files), identicalEntries = manifests.identicalEntries(among: set.files)
        // Which of the base's SIMs the work tree still declares: a set of the few, not of the fleet.
        let atBaseICCs = Set(manifests.changedFiles.sims.map(\.icc))
        let stillDeclared = Set(set.sims.lazy.map(\.icc).filter(atBaseICCs.contains))
        let changes = ChangeSet.compare(selected: selected, declared: stillDeclared, identicalFiles: identicalFiles,
                                        identicalEntries: identicalEntries,
                                        base: manifests.changedFiles.sims, untrustedFiles: untrusted, history: manifests.history,
                                        incompleteFiles: manifests.incompleteFiles(among: set.files))
        let planned = manifests.settingsChange == nil ? changes.changed : selected
        // Each planned SIM as the base declared it: one whose entry the base holds word for
        // word (changed and changed back since, or planned for a settings change) as it is
        // now; another as the base's file had it; a new one not at all.
        var atBase: [ICC: SIMState] = [:]
        for sim in manifests.changedFiles.sims where !untrusted.contains(sim.location.path) && atBase[sim.icc] == nil {
            atBase[sim.icc] = sim.state
        }
        for sim in planned where identicalFiles.contains(sim.location.path)
            || identicalEntries[sim.location.path].map({ ChangeSet.contains($0, sim.location.line) }) == true {
            atBase[sim.icc] = sim.state
        }
        let plannedICCs = Set(planned.map(\.icc))
        atBase = atBase.filter { plannedICCs.contains($0.key) }
        var origins: [ICC: ChangeOrigin] = [:]
        let pullRequestBase: String? = if case .ref = base { request.pullRequestBase } else { nil }
        if let pullRequestBase {
            do {
                origins = manifests.origins(of: planned.map(\.icc), pullRequestCommits: try ManifestBase.commitsNotIn(pullRequestBase, from: context.folder),
                                            desiredChanged: Set(changes.changed.map(\.icc)))
            } catch {
                throw context.refuse("error: \(TerminalText.escape(error.forChangedSince.description)). Nothing was sent.")
            }
        }
        return (planned, ChangeBase(ref: manifests.ref, mergeBase: manifests.mergeBase, unchanged: manifests.settingsChange == nil ? changes.unchanged : 0,
                                    removed: changes.removed, settingsChange: manifests.settingsChange,
                                    pullRequestBase: pullRequestBase, origins: origins), atBase)
    }

    /// What renderers and the plan file say about this run.
    public func context(_ target: PlanTarget) -> RenderContext {
        var context = RenderContext(target: target, toolVersion: toolVersion, manifestDigest: ManifestDigest.of(desired), scope: scope)
        context.settingsChanges = settingsChanges
        context.fileDigests = ManifestDigest.byFile(desired)
        return context
    }

    /// simfleet.yaml's changes since the base commit, and whether each freeze is in effect.
    public static func settingsChanges(_ config: SimfleetConfig, base: [UInt8]?, path: String, now: Date) -> [String] {
        let old = base.map { SimfleetConfig.parse(path: path, bytes: $0).config } ?? SimfleetConfig()
        var lines = config.changes(from: old)
        if lines.isEmpty { lines = ["no setting in effect changed (comments or layout only)"] }
        for rule in config.policy {
            guard let freeze = rule.freeze else { continue }
            lines.append("freeze '\(rule.name)' (\(freeze.summary)): \(freeze.status(at: now))")
        }
        return lines
    }

    /// Reads every selected SIM's live status, with a progress line.
    public func sweep(_ nexCon: any NexConService, parallelism: Int, context: OperationContext) async throws -> [ICC: Observation] {
        // Whole answers are kept only where `expect:` will look at them.
        let withExpectations = Set(desired.filter { !$0.expect.isEmpty }.map(\.icc))
        return try await Self.sweep(desired.map(\.icc), nexCon: nexCon, parallelism: parallelism, context: context,
                                    needsFacts: { withExpectations.contains($0) })
    }

    public static func sweep(_ iccs: [ICC], nexCon: any NexConService, parallelism: Int, context: OperationContext,
                             needsFacts: @escaping @Sendable (ICC) -> Bool) async throws -> [ICC: Observation] {
        let progress = StatusSweep.Progress(total: iccs.count)
        do {
            return try await withProgressLine(context.progress, console: context.console, describe: {
                ProgressWording.sweep(done: progress.completed, total: progress.total, elapsed: $0)
            }) {
                try await nexCon.sweep(iccs, parallelism: parallelism, progress: progress, needsFacts: needsFacts)
            }
        } catch let error as RunEndingError {
            throw context.refuse("error: \(error.description)")
        }
    }
}
