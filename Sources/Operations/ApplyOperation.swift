import FleetModel
import Foundation
import GitHistory
import Manifests
import Planning
import Platform
import Reconciler
import Views

/// What apply is asked to do: a saved plan, or a fresh plan of the manifests.
public struct ApplyRequest: Sendable {
    public var fleet = FleetRequest()
    /// A plan saved by `plan --out`; nil plans afresh.
    public var planFile: String?
    /// Whether the run talks to the embedded simulator, which a saved plan must match.
    public var simulator = false
    /// A fresh plan is applied without asking.
    public var autoApprove = false
    /// Apply even past the blast-radius limit.
    public var force = false
    public var waitTimeout = Duration.seconds(600)
    public var callbackURL: String?
    /// Default: `.simfleet/journal/<UTC time>-<pid>.jsonl`.
    public var journal: String?
    public var lockPath = ApplyLock.defaultPath
    public var parallelism = 16
    /// A fresh plan goes to standard output (coloured on a terminal) with a text report,
    /// to standard error with a machine-readable one.
    public var planOnStandardOutput = true

    public init() {}
}

/// Carries out a plan: the saved plan checked whole against the manifests, or a fresh one
/// after approval; narrowing, the policy judged again, the blast radius, the journal's
/// header and summary, and the reconciler's run. Returns the report, whose exit status
/// the caller shows; stops with `OperationStopped` when nothing may be sent.
public struct ApplyOperation: Sendable {
    public var request: ApplyRequest
    public var context: OperationContext

    public init(_ request: ApplyRequest, context: OperationContext) {
        self.request = request
        self.context = context
    }

    /// The plan carried out (saved or fresh) and the report of the run.
    public struct Result: Sendable {
        public var plan: Plan
        public var report: ApplyReport
    }

    public func run(stop: StopFlag = StopFlag()) async throws -> Result {
        let lock = try Self.takeLock(request.lockPath, context: context)
        defer { withExtendedLifetime(lock) {} }
        if let planFile = request.planFile {
            return try await applySaved(planFile, stop: stop)
        }
        return try await applyFresh(stop: stop)
    }

    /// One apply (or break glass) at a time in this folder; a second stops at once.
    static func takeLock(_ path: String, context: OperationContext) throws -> ApplyLock {
        do {
            return try ApplyLock(path: path, now: context.wallClock())
        } catch {
            throw context.refuse("error: \(error.description)")
        }
    }

    func options(_ session: FleetSession) -> ApplyOptions {
        var options = ApplyOptions()
        options.parallelism = request.parallelism
        options.waitTimeout = request.waitTimeout
        options.callbackURL = request.callbackURL
        options.policy = session.policy
        options.labels = Planner.labels(of: session.desired)
        options.wallClock = context.wallClock
        return options
    }

    /// Refuses, before anything is sent, a run with more disruptive steps than allowed,
    /// counted by the policy's one rule, as the plan shows it.
    func checkBlastRadius(_ steps: [Step], managed: Int, policy: Policy) throws {
        let radius = policy.blastRadius(of: steps, managed: managed)
        guard radius.exceeded, !request.force else { return }
        let way = context.environment["GITHUB_ACTIONS"] == "true"
            ? "Review the plan; if it is intended, run the apply workflow by hand (Run workflow) with accept-blast-radius checked, which its reviewers approve."
            : "Review the plan and rerun with --force if it is intended."
        throw context.refuse("error: \(Wording.count(radius.disruptive, "disruptive step")) (block, terminate) for \(Wording.count(managed, "managed SIM")) exceed the blast-radius limit (\(radius.limit.summary)); nothing was sent. \(way)")
    }

    /// A saved plan is a reviewed list of steps, checked whole against the manifests it
    /// was made from before anything is sent; the manifests are the authority.
    func applySaved(_ path: String, stop: StopFlag) async throws -> Result {
        let file: PlanFile
        switch PlanFile.read(path) {
        case .success(let read): file = read
        case .failure(let error):
            for diagnostic in error.diagnostics { context.console.error(diagnostic.formatted) }
            throw OperationStopped.nothingSent
        }
        if file.target.kind == .declared {
            throw context.refuse(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan is declared-only (plan --offline): it read no live status, so its steps are assumptions, never applied. Plan against NexCon (or --simulator) and apply that plan.").formatted)
        }
        if file.target.kind == .simulator && !request.simulator {
            throw context.refuse(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against the simulator; it cannot be applied to a real API. Plan against the API, or pass --simulator.").formatted)
        }
        if file.target.kind == .api && request.simulator {
            throw context.refuse(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against the NexCon API at \(file.target.url); it cannot be applied to the simulator.").formatted)
        }
        let session = try await FleetSession.load(scope: file.scope, request: request.fleet, context: context)
        let digest = ManifestDigest.of(session.desired)
        guard digest == file.manifestDigest else {
            let changed = ManifestDigest.changedFiles(from: file.fileDigests, to: ManifestDigest.byFile(session.desired))
            let named = file.fileDigests.isEmpty || changed.isEmpty ? "" : ": " + changed.prefix(20).joined(separator: ", ")
                + (changed.count > 20 ? " and \(changed.count - 20) more" : "")
            throw context.refuse(Diagnostic.error(.planStale, at: SourceLocation(path: path), TerminalText.escape("the manifests changed since this plan was made\(named) (digest \(file.manifestDigest.prefix(12)), now \(digest.prefix(12))); run plan again. Nothing was sent.")).formatted)
        }
        let authorized: [Step]
        switch file.authorizedSteps(inScope: session.desired, policy: session.policy, path: path) {
        case .success(let steps): authorized = steps
        case .failure(let error):
            for diagnostic in error.diagnostics { context.console.error(diagnostic.formatted) }
            throw OperationStopped.nothingSent
        }
        var (judged, narrowed) = try narrow(authorized, session: session, planPath: path)
        // The rules are judged again from the manifests and simfleet.yaml, and freezes at this moment.
        session.policy.judge(&judged, labels: Planner.labels(of: session.desired), clock: PolicyClock(now: context.wallClock()), reviewed: file.plan.steps)
        reportPolicy(judged)
        let steps = judged
        let targeted = Set(steps.map(\.icc))
        let planErrors = narrowed ? file.plan.errors.filter { $0.icc.map(targeted.contains) ?? false } : file.plan.errors
        let unsettled = narrowed ? file.plan.unsettled.filter { $0.icc.map(targeted.contains) ?? false } : file.plan.unsettled
        try checkBlastRadius(steps, managed: session.managed, policy: session.policy)
        var options = options(session)
        options.declared = await declarations(steps, desired: session.desired)
        let chosen = options
        let context = context
        var report = try await context.nexCon.open(seed: session.desired, console: context.console) { nexCon, target in
            if file.target.kind == .api && file.target.url != target.url {
                throw context.refuse(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against \(file.target.url), not \(target.url); plan again against this API.").formatted)
            }
            return try await execute(steps, nexCon: nexCon, target: target, digest: file.manifestDigest, options: chosen, stop: stop)
        }
        report.planErrors = planErrors
        report.unsettled = unsettled
        if narrowed { report.narrowedFrom = authorized.count }
        return Result(plan: file.plan, report: report)
    }

    /// Targets and labels with a saved plan apply the plan's steps for the matching SIMs,
    /// and nothing else.
    func narrow(_ steps: [Step], session: FleetSession, planPath: String) throws -> ([Step], Bool) {
        let fleet = request.fleet
        guard !fleet.targeting.isEmpty || !fleet.targetDiagnostics.isEmpty else { return (steps, false) }
        var problems = fleet.targetDiagnostics
        var narrowed: [Step] = []
        switch Policy.narrow(steps, by: fleet.targeting, inScope: session.desired, targetSource: fleet.targetSource, planPath: planPath) {
        case .success(let steps): narrowed = steps
        case .failure(let found): problems += found.diagnostics
        }
        guard !problems.hasErrors else { throw context.refuse(problems) }
        return (narrowed, true)
    }

    func applyFresh(stop: StopFlag) async throws -> Result {
        let session = try await FleetSession.load(request.fleet, context: context)
        let options = options(session)
        let request = request
        let context = context
        if !request.autoApprove && !context.console.canAsk {
            throw context.refuse("error: apply without a plan file asks for approval, and there is no terminal to ask on; pass --auto-approve, or apply a saved plan. Nothing was sent.")
        }
        return try await context.nexCon.open(seed: session.desired, console: context.console) { nexCon, target in
            let observed = try await session.sweep(nexCon, parallelism: request.parallelism, context: context)
            let plan = Planner.plan(desired: session.desired, observed: observed, policy: session.policy, managed: session.managed,
                                    clock: PolicyClock(now: context.wallClock()))
            var shown = session.context(target)
            if request.planOnStandardOutput {
                shown.color = context.console.color
                context.console.write(Array(PlanView.text(plan, context: shown).utf8))
            } else {
                context.console.error(PlanView.text(plan, context: shown))
            }
            // Per-SIM errors stop only their SIMs; the report lists them and exits 3.
            let sendable = plan.steps.filter { options.refusal($0) == nil }
            try checkBlastRadius(plan.steps, managed: plan.summary.managed, policy: session.policy)
            if !request.autoApprove && !sendable.isEmpty {
                let answer = context.console.ask("\nApply these \(Wording.grouped(sendable.count)) steps? Only 'yes' will be accepted:")
                guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
                    throw context.refuse("Apply cancelled. Nothing was sent.")
                }
            }
            var chosen = options
            chosen.declared = await declarations(plan.steps, desired: session.desired)
            var report = try await execute(plan.steps, nexCon: nexCon, target: target, digest: shown.manifestDigest, options: chosen, stop: stop)
            report.planErrors = plan.errors
            report.unsettled = plan.unsettled
            return Result(plan: plan, report: report)
        }
    }

    /// Where each step's state was declared, for the journal: read from the work tree
    /// now, never from the plan file.
    func declarations(_ steps: [Step], desired: [DesiredSIM]) async -> [ICC: Declaration] {
        await Blame.explain(Explanations.decidingLines(of: Set(steps.map(\.icc)), among: desired), from: context.folder).declared
    }

    /// What the policy rules say of this run, before anything is sent.
    func reportPolicy(_ steps: [Step]) {
        for step in steps {
            for verdict in step.verdicts where verdict.effect != .freeze {
                let what = verdict.effect == .deny ? "not sent" : "sent, with a warning"
                context.console.error(TerminalText.escape("policy rule '\(verdict.rule)': \(step.action.rawValue) \(step.icc) \(what): \(verdict.reason)"))
            }
        }
    }

    /// The journal's header on disk, then the reconciler's run, then its summary. A failure
    /// NexCon gives for every call ends the run with exit status 3.
    func execute(_ steps: [Step], nexCon: any NexConService, target: PlanTarget, digest: String,
                 options: ApplyOptions, stop: StopFlag) async throws -> ApplyReport {
        let journalPath = request.journal ?? Journal.defaultPath(now: context.wallClock())
        let journal: Journal
        do {
            journal = try Journal(path: journalPath)
        } catch {
            throw context.refuse("error: cannot open the journal \(TerminalText.escape(journalPath)) (\(error)); nothing was sent")
        }
        journal.record("header") { w in
            w.field("simfleetVersion", context.toolVersion)
            w.field("manifestDigest", digest)
            w.key("target")
            w.value(target)
            w.field("steps", steps.count)
        }
        // The header is on disk before the first action, or nothing is sent.
        journal.sync()
        if let failure = journal.failure {
            throw context.refuse(Diagnostic.error(.fileWrite, at: SourceLocation(path: journalPath), "cannot write the journal: \(failure); nothing was sent. Free some space or pass --journal FILE elsewhere").formatted)
        }
        let progress = ApplyProgress(total: steps.count, waves: Set(steps.map(\.wave)).count)
        let reconciler = Reconciler(client: nexCon, options: options, journal: journal, stop: stop, progress: progress, clock: context.clock)
        let outcome: Swift.Result<ApplyReport, RunEndingError> = try await withProgressLine(context.progress, console: context.console,
                                                                                      describe: { progress.snapshot.line(elapsed: $0) }) {
            do throws(RunEndingError) {
                return .success(try await reconciler.apply(steps, target: target))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let report):
            journal.record("summary") { w in
                w.field("interrupted", report.interrupted)
                for outcome in StepOutcome.allCases { w.field(outcome.rawValue, report.count(outcome)) }
            }
            journal.sync()
            context.console.error("Journal: \(TerminalText.escape(journalPath))")
            return report
        case .failure(let error):
            journal.record("stopped") { $0.field("reason", error.description) }
            journal.sync()
            context.console.error("error: \(error.description)")
            throw OperationStopped(exitStatus: 3)
        }
    }
}
