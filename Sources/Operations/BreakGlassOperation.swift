import FleetModel
import Foundation
import GitHistory
import Manifests
import Planning
import Platform
import Reconciler
import Views

/// What break glass is asked to do.
public struct BreakGlassRequest: Sendable {
    public var iccs: [ICC] = []
    /// Why: written into each SIM's note and its hold.
    public var reason = ""
    public var paths = ["manifests"]
    public var config = SimfleetConfig.fileName
    public var configRequired = false
    /// Defaults: break-glass/RUN (or the UTC time), $GITHUB_RUN_ID or local, $GITHUB_ACTOR or $USER.
    public var branch: String?
    public var run: String?
    public var by: String?
    public var force = false
    public var journal: String?
    public var lockPath = ApplyLock.defaultPath
    public var parallelism = 16
    public var maximumFileSize = ManifestLoader.defaultMaximumFileSize
    public var followExternalLinks = false

    public init() {}
}

/// Blocks SIMs now and makes the block stay: every check before a block is sent, then the
/// block (freezes do not hold it back; every other rule does), then a branch declaring it
/// and a hold per blocked SIM.
public struct BreakGlassOperation: Sendable {
    public var request: BreakGlassRequest
    public var context: OperationContext

    public init(_ request: BreakGlassRequest, context: OperationContext) {
        self.request = request
        self.context = context
    }

    /// The run's report, and the branch, commit and holds that keep the blocks.
    public struct Result: Sendable {
        public var report: ApplyReport
        public var branch: String
        public var commit: String
        public var holds: [Hold]
        /// 0 every SIM blocked, 3 some.
        public var exitStatus: Int32 { report.exitCode == 0 ? 0 : 3 }
    }

    public func run() async throws -> Result {
        let lock = try ApplyOperation.takeLock(request.lockPath, context: context)
        defer { withExtendedLifetime(lock) {} }
        let environment = context.environment
        let now = context.wallClock()
        let stamp = Timestamp.iso8601(now)
        let runID = request.run ?? environment["GITHUB_RUN_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? "local"
        let who = request.by ?? environment["GITHUB_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? "unknown"
        let branchName = request.branch ?? "break-glass/" + (runID == "local" ? stamp.filter { $0.isNumber } : runID)
        let wanted = Array(Set(request.iccs)).sorted()

        // Everything that could stop the record is checked before a block is sent.
        var fleet = FleetRequest()
        fleet.paths = request.paths
        fleet.config = request.config
        fleet.configRequired = request.configRequired
        fleet.targeting = Targeting(iccs: Set(wanted))
        fleet.maximumFileSize = request.maximumFileSize
        fleet.followExternalLinks = request.followExternalLinks
        let session = try await FleetSession.load(fleet, context: context)
        let record: BreakGlassRecord
        do {
            record = try BreakGlassRecord.prepare(branch: branchName, from: context.folder)
        } catch {
            throw refuse(["error: \(error.description)"])
        }
        let edit = ManifestEditor.Edit(state: .blocked, note: "break glass by \(who), run \(runID): \(request.reason)")
        let (_, editProblems) = ManifestEdits.make(wanted, edit: edit, set: session.manifests, limit: request.maximumFileSize)
        guard editProblems.isEmpty else { throw refuse(editProblems.sorted().formattedLines(omitted: 0)) }

        var options = ApplyOptions()
        options.parallelism = request.parallelism
        options.policy = session.policy.ignoringFreezes
        options.labels = Planner.labels(of: session.desired)
        options.wallClock = context.wallClock
        let chosen = options
        let context = context
        let request = request
        let report: ApplyReport = try await context.nexCon.open(seed: session.desired, console: context.console) { nexCon, target in
            let observed = try await session.sweep(nexCon, parallelism: request.parallelism, context: context)
            let steps = try Self.blocks(session, observed: observed, options: chosen, now: now, force: request.force, refuse: refuse)
            var apply = ApplyRequest()
            apply.journal = request.journal
            apply.parallelism = request.parallelism
            return try await ApplyOperation(apply, context: context).execute(steps, nexCon: nexCon, target: target,
                                                                            digest: session.context(target).manifestDigest,
                                                                            options: chosen, stop: StopFlag())
        }
        context.console.write(Array(report.text().utf8))
        let blocked = report.results.filter { $0.outcome.converged }.map(\.step.icc).sorted()
        guard !blocked.isEmpty else {
            context.console.error("Nothing was blocked, so no branch or hold was written.")
            throw OperationStopped(exitStatus: 3)
        }
        let (files, problems) = ManifestEdits.make(blocked, edit: edit, set: session.manifests, limit: request.maximumFileSize)
        let holds = blocked.map { Hold(icc: $0, reason: request.reason, run: runID, branch: branchName, by: who, at: stamp) }
        var commit: String?
        var failure = problems.sorted().formattedLines(omitted: 0).joined(separator: "; ")
        if problems.isEmpty {
            do {
                commit = try record.write(files: files, message: "Break glass: block \(blocked.map(\.digits).joined(separator: " "))\n\n\(request.reason)\n\nBy \(who), run \(runID).\n",
                                          holds: holds)
            } catch {
                failure = error.description
            }
        }
        guard let commit else {
            // The SIMs are blocked, but nothing keeps them so: say it loudly.
            context.console.error("error: the SIMs above are blocked, but break glass could not write its branch and holds: \(TerminalText.escape(failure)). Until main declares them blocked, a full apply would restore them: run 'simfleet set \(blocked.map(\.digits).joined(separator: " ")) --state blocked' and open a pull request now.")
            throw OperationStopped(exitStatus: 3)
        }
        return Result(report: report, branch: branchName, commit: commit, holds: holds)
    }

    /// A block step for each SIM live active now; every other SIM, and every refusal of
    /// the policy or the blast radius, stops the run with nothing sent.
    static func blocks(_ session: FleetSession, observed: [ICC: Observation], options: ApplyOptions, now: Date, force: Bool,
                       refuse: ([String]) -> OperationStopped) throws -> [Step] {
        var problems: [String] = []
        var steps: [Step] = []
        for sim in session.desired {
            let word: String? = if case .status(let word, _) = observed[sim.icc] { word } else { nil }
            let live = word.flatMap { options.policy.statusMapping.state(for: $0)?.settled }
            guard live == .active else {
                let now = live.map { "is \($0.rawValue)" } ?? "could not be read as a settled state (\(TerminalText.escape(word ?? "no answer")))"
                problems.append(Diagnostic.error(.breakGlass, at: sim.location, "SIM \(sim.icc) \(now); break glass blocks only a SIM that is active now (a SIM that needs another action first goes through a pull request)").formatted)
                continue
            }
            steps.append(Step(icc: sim.icc, name: sim.name, action: .block, from: .active, to: .blocked, wave: 1, manifestNote: sim.note,
                              callbackURL: sim.callbackURL, protect: sim.protect, location: sim.location))
        }
        var judged = steps
        options.policy.judge(&judged, labels: options.labels, clock: PolicyClock(now: now))
        for step in judged {
            if let refusal = options.policy.refusal(step) {
                problems.append(Diagnostic.error(.breakGlass, at: step.location, "SIM \(step.icc): \(refusal.message)").formatted)
            }
        }
        guard problems.isEmpty else { throw refuse(problems) }
        let radius = options.policy.blastRadius(of: judged, managed: session.managed)
        if radius.exceeded && !force {
            throw refuse(["error: \(radius.sentence) (the blast-radius limit); nothing was sent. Block fewer SIMs, or pass --force if this many are truly lost"])
        }
        return judged
    }

    /// Prints every reason and ends with nothing sent.
    func refuse(_ lines: [String]) -> OperationStopped {
        for line in lines { context.console.error(line) }
        context.console.error("Nothing was sent.")
        return .nothingSent
    }
}
