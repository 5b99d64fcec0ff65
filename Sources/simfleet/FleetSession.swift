import ArgumentParser
import FleetModel
import Foundation
import GitHistory
import Manifests
import NexConClient
import NexConSimulator
import Planning
import Views

/// The steps plan and apply share: read config and manifests, choose the SIMs, reach
/// NexCon (or the embedded simulator) and read live statuses. Anything wrong before a
/// request is sent ends the run with exit status 1 and nothing sent.
struct FleetSession {
    var config: SimfleetConfig
    /// The SIMs in scope, in manifest order.
    var desired: [DesiredSIM]
    var policy: Policy
    var scope: PlanScope
    /// Every SIM the manifests declare, in scope or not: the blast radius is a share of these.
    var managed: Int
    /// With --changed-since and a changed simfleet.yaml: what changed in it, and each
    /// freeze's state now, for the reviewer.
    var settingsChanges: [String] = []

    /// How `--changed-since` picks its base commit: a ref given now, or the commit a saved plan recorded.
    enum Base {
        case ref(String)
        case recorded(ref: String, mergeBase: String)
    }

    /// For a fresh plan: the manifests and targets on the command line.
    static func load(_ fleet: FleetOptions) async throws -> FleetSession {
        let (targeting, targetDiagnostics) = fleet.targeting()
        return try await load(paths: fleet.paths, targeting: targeting, targetSource: fleet.targetFile ?? "--target",
                              extraDiagnostics: targetDiagnostics, base: fleet.changedSince.map(Base.ref), fleet: fleet)
    }

    /// For a saved plan: the manifests, targets and base commit the plan recorded.
    static func load(scope: PlanScope, fleet: FleetOptions) async throws -> FleetSession {
        try await load(paths: scope.paths, targeting: scope.targeting, targetSource: "the plan's scope", extraDiagnostics: [],
                       base: scope.changedSince.map { Base.recorded(ref: $0.ref, mergeBase: $0.mergeBase) }, fleet: fleet)
    }

    private static func load(paths: [String], targeting: Targeting, targetSource: String, extraDiagnostics: [Diagnostic],
                             base: Base?, fleet: FleetOptions) async throws -> FleetSession {
        let configPath = fleet.config ?? SimfleetConfig.fileName
        let (config, configDiagnostics) = SimfleetConfig.load(path: configPath, required: fleet.config != nil,
                                                                     followExternalLinks: fleet.limits.followExternalLinks)
        // git's side of --changed-since runs beside the work tree's decoding.
        let history = base.map { base in Task { await readBase(base, paths: paths, settingsPath: configPath, fleet: fleet) } }
        let set = await ManifestLoader.load(paths: paths, maximumFileSize: fleet.limits.maximumFileSize,
                                            followExternalLinks: fleet.limits.followExternalLinks)
        var diagnostics = configDiagnostics + set.diagnostics + extraDiagnostics
        let (selected, unknown) = targeting.select(set.sims)
        for icc in unknown {
            diagnostics.append(Targeting.undeclared(icc, at: targetSource))
        }
        // An empty shard of a small fleet is no mistake; empty targets or labels are.
        if set.isValid && !(targeting.iccs.isEmpty && targeting.labels.isEmpty) && selected.isEmpty {
            diagnostics.append(Targeting.noMatch(at: targetSource, "no SIMs match"))
        }
        var policy = Policy(allowTerminate: fleet.terminateAllowance, statusMapping: config.statusMapping,
                            blastRadiusPercent: config.blastRadiusPercent, blastRadiusMinimum: config.blastRadiusMinimum,
                            rules: config.policy)
        if set.isValid { diagnostics += policy.allowanceProblems(declared: set.sims) }
        // Break-glass holds travel with the repository's tags; one that cannot be read stops the run.
        do {
            policy.holds = Policy.holdsInForce(try Holds.read(), declared: set.sims)
        } catch {
            diagnostics.append(.error(.gitHolds, at: SourceLocation(path: "refs/tags/" + Hold.tagPrefix), error.description))
        }
        if diagnostics.hasErrors {
            for line in diagnostics.sorted().formattedLines(omitted: set.omittedDiagnostics) { Output.error(line) }
            Output.error("Nothing was sent: fix the \(Wording.count(diagnostics.errorCount + set.omittedDiagnostics, "error")) above first.")
            throw ExitCode.failure
        }
        var settingsChanges: [String] = []
        var scope = PlanScope(paths: paths, targets: Array(targeting.iccs), labels: targeting.labels, shard: targeting.shard,
                              unselected: set.sims.count - selected.count)
        var inScope = selected
        if let base, let history {
            let read = await history.value
            let changes = try changes(since: base, read: read, set: set, selected: selected, fleet: fleet)
            inScope = changes.changed
            scope.changedSince = changes.base
            if case .success(let manifests) = read, manifests.settingsChange != nil {
                settingsChanges = Self.settingsChanges(config, base: manifests.baseSettings, path: configPath, now: Date())
            }
        }
        var session = FleetSession(config: config, desired: inScope, policy: policy, scope: scope, managed: set.sims.count)
        session.settingsChanges = settingsChanges
        return session
    }

    /// The manifests at the base commit and since, read through git on a thread of its own
    /// (git is waited for, and decoding uses every core).
    private static func readBase(_ base: Base, paths: [String], settingsPath: String,
                                 fleet: FleetOptions) async -> Result<ManifestBase, ChangedSinceError> {
        let limit = fleet.limits.maximumFileSize
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(ChangedSinceError) {
                    switch base {
                    case .ref(let ref):
                        continuation.resume(returning: .success(try ManifestBase.read(ref: ref, paths: paths, settingsPath: settingsPath, maximumFileSize: limit)))
                    case .recorded(let ref, let mergeBase):
                        continuation.resume(returning: .success(try ManifestBase.read(ref: ref, mergeBase: mergeBase, paths: paths,
                                                                                      settingsPath: settingsPath, maximumFileSize: limit)))
                    }
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
    }

    /// The selected SIMs whose desired state differs from the base commit's.
    /// A changed settings file (status words, blast radius) can change any SIM's verdict,
    /// so then every selected SIM is planned.
    private static func changes(since base: Base, read: Result<ManifestBase, ChangedSinceError>, set: ManifestSet, selected: [DesiredSIM],
                                fleet: FleetOptions) throws -> (changed: [DesiredSIM], base: ChangeBase) {
        var manifests: ManifestBase
        switch read {
        case .success(let read): manifests = read
        case .failure(let error):
            Output.error("error: \(TerminalText.escape(error.description)). Nothing was sent.")
            throw ExitCode.failure
        }
        let untrusted = Set(manifests.changedFiles.diagnostics.filter { $0.severity == .error }.map(\.location.path))
        let changes = ChangeSet.compare(selected: selected, declared: Set(set.sims.map(\.icc)), identicalFiles: manifests.identicalFiles(among: set.files),
                                        base: manifests.changedFiles.sims, untrustedFiles: untrusted, history: manifests.history,
                                        incompleteFiles: manifests.incompleteFiles(among: set.files))
        let planned = manifests.settingsChange == nil ? changes.changed : selected
        var origins: [ICC: ChangeOrigin] = [:]
        let pullRequestBase: String? = if case .ref = base { fleet.pullRequestBase } else { nil }
        if let pullRequestBase {
            do {
                origins = manifests.origins(of: planned.map(\.icc), pullRequestCommits: try ManifestBase.commitsNotIn(pullRequestBase),
                                            desiredChanged: Set(changes.changed.map(\.icc)))
            } catch {
                Output.error("error: \(TerminalText.escape(error.description)). Nothing was sent.")
                throw ExitCode.failure
            }
        }
        return (planned, ChangeBase(ref: manifests.ref, mergeBase: manifests.mergeBase, unchanged: manifests.settingsChange == nil ? changes.unchanged : 0,
                                    removed: changes.removed, settingsChange: manifests.settingsChange,
                                    pullRequestBase: pullRequestBase, origins: origins))
    }

    /// What renderers and the plan file say about this run.
    func context(_ target: PlanTarget) -> RenderContext {
        var context = RenderContext(target: target, toolVersion: SimfleetVersion.current, manifestDigest: ManifestDigest.of(desired), scope: scope)
        context.settingsChanges = settingsChanges
        context.fileDigests = ManifestDigest.byFile(desired)
        return context
    }

    /// simfleet.yaml's changes since the base commit, and whether each freeze is in effect.
    static func settingsChanges(_ config: SimfleetConfig, base: [UInt8]?, path: String, now: Date) -> [String] {
        let old = base.map { SimfleetConfig.parse(path: path, bytes: $0).config } ?? SimfleetConfig()
        var lines = config.changes(from: old)
        if lines.isEmpty { lines = ["no setting in effect changed (comments or layout only)"] }
        for rule in config.policy {
            guard let freeze = rule.freeze else { continue }
            lines.append("freeze '\(rule.name)' (\(freeze.summary)): \(freeze.status(at: now))")
        }
        return lines
    }

    /// Runs `body` with a client for the real API or for the embedded simulator.
    func withClient<T: Sendable>(_ api: APIOptions, _ body: @Sendable (NexConClient, PlanTarget) async throws -> T) async throws -> T {
        try await Self.withClient(api, seed: desired, body)
    }

    /// The same, with the SIMs an embedded simulator knows at first given.
    static func withClient<T: Sendable>(_ api: APIOptions, seed: [DesiredSIM], _ body: @Sendable (NexConClient, PlanTarget) async throws -> T) async throws -> T {
        if api.simulator {
            return try await EmbeddedSimulator.run(desired: seed, statePath: EmbeddedSimulator.defaultStatePath) { connection in
                let endpoint = try NexConConnection(url: connection.url, key: connection.key)
                return try await Self.using(try NexConClient(endpoint: endpoint, parallelism: api.parallelism, rate: api.rate, retry: api.retryPolicy)) { client in
                    try await body(client, PlanTarget(kind: .simulator, url: connection.url))
                }
            }
        }
        let endpoint: NexConConnection
        let client: NexConClient
        do {
            let environment = ProcessInfo.processInfo.environment
            let key = try NexConConnection.key(environment: environment, keyFile: api.apiKeyFile, warn: { Output.error(TerminalText.escape($0)) })
            endpoint = try NexConConnection(url: api.apiURL ?? environment["NEXCON_API_URL"] ?? NexConConnection.defaultURL, key: key)
            client = try NexConClient(endpoint: endpoint, parallelism: api.parallelism, rate: api.rate, retry: api.retryPolicy)
        } catch {
            Output.error("error: \(TerminalText.escape(error.description))")
            throw ExitCode.failure
        }
        return try await Self.using(client) { client in
            try await body(client, PlanTarget(kind: .api, url: endpoint.baseURL))
        }
    }

    private static func using<T>(_ client: NexConClient, _ body: (NexConClient) async throws -> T) async throws -> T {
        defer {
            if let asked = client.cappedRetryWait {
                Output.error("warning: NexCon asked to wait \(Int(asked.seconds)) s before retrying (Retry-After); simfleet waited at most \(Int(client.retry.maximumRetryWait.seconds)) s (--max-retry-wait)")
            }
        }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Reads every selected SIM's live status, with a progress line on a terminal.
    func sweep(_ client: NexConClient, _ api: APIOptions) async throws -> [ICC: Observation] {
        // Whole answers are kept only where `expect:` will look at them.
        let withExpectations = Set(desired.filter { !$0.expect.isEmpty }.map(\.icc))
        return try await Self.sweep(desired.map(\.icc), client: client, api: api, needsFacts: { withExpectations.contains($0) })
    }

    static func sweep(_ iccs: [ICC], client: NexConClient, api: APIOptions,
                      needsFacts: @escaping @Sendable (ICC) -> Bool) async throws -> [ICC: Observation] {
        let progress = StatusSweep.Progress(total: iccs.count)
        // On a terminal, redrawn; in a CI log, a plain line every --progress-interval, as apply's.
        let line = ProgressLine.forStandardError(progress, noProgress: api.noProgress, interval: api.progressInterval.duration)
        do {
            return try await withThrowingTaskGroup(of: [ICC: Observation]?.self) { group in
                if let line {
                    group.addTask {
                        await line.run(from: .now)
                        return nil
                    }
                }
                let observed = try await StatusSweep.run(iccs, client: client, parallelism: api.parallelism,
                                                         progress: progress, needsFacts: needsFacts)
                group.cancelAll()
                return observed
            }
        } catch let error as FatalAPIError {
            Output.error("error: \(error.description)")
            throw ExitCode.failure
        }
    }
}
