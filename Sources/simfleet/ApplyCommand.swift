import ArgumentParser
import Dispatch
import FleetModel
import Foundation
import GitHistory
import Manifests
import NexConClient
import Planning
import Platform
import Reconciler
import Views

extension SimfleetCommand {
    struct ApplyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "apply",
            abstract: "Carry out a plan: a saved plan file, or a fresh plan after approval.",
            discussion: """
            'simfleet apply plan.json' carries out a plan saved by 'simfleet plan --out', after \
            checking it whole against the manifests it was made from: a plan whose manifests \
            changed, or whose steps a fresh plan could not contain, is refused with nothing \
            sent; protect, refusals and counts come from the manifests, never the file. \
            --target, --target-file and --label apply part of it. 'simfleet apply [PATH...]' \
            plans afresh, shows the plan and asks for 'yes' on a terminal (or needs \
            --auto-approve). Before each call the SIM's status is read again: a SIM already \
            at the target counts as done, one that changed since the plan is skipped as \
            stale. An action whose answer was lost is never sent again unless a status read \
            proves it did not happen. Terminations are sent only with --allow-terminate given \
            to apply itself, never for protect: true, and only after every other step \
            succeeded. One apply at a time per folder (.simfleet/apply.lock). Exit status: \
            0 converged, 1 nothing sent, 3 partial (including SIMs that could not be planned \
            or had a job in progress), 4 converged but for declared terminations awaiting \
            --allow-terminate (the tag may move; the drift check still shows them).
            """ + "\n\n" + Help.apply
        )

        @OptionGroup var fleet: FleetOptions
        @OptionGroup var api: APIOptions

        @Flag(help: "Apply a fresh plan without asking (needed without a terminal).")
        var autoApprove = false

        @Flag(help: "Apply even when block and terminate steps exceed the blast-radius limit.")
        var force = false

        @Option(help: "How long to wait for each job before calling its outcome unknown, e.g. 10m or 30s.")
        var waitTimeout = DurationArgument(.seconds(600))

        @Option(help: "Callback URL passed to NexCon for SIMs whose manifest has none.")
        var callbackUrl: String?

        @Option(help: "Journal file (JSON Lines). Default: .simfleet/journal/<UTC time>.jsonl")
        var journal: String?

        @Option(help: "Report format: text, markdown, json, or github (annotations at the manifests, then the text).")
        var format: PlanFormat = .text

        @OptionGroup var comment: CommentOptions
        @OptionGroup var stepSummary: StepSummaryOptions
        @OptionGroup var gitHub: GitHubOptions
        @OptionGroup var metrics: MetricsOptions

        func validate() throws {
            if planFile != nil && fleet.changedSince != nil {
                throw ValidationError("--changed-since plans afresh; a saved plan already records what it compared with. Drop one of them.")
            }
            if let callbackUrl, let problem = CallbackURL.problem(with: callbackUrl) {
                throw ValidationError("--callback-url: \(problem)")
            }
        }

        /// A single `.json` argument is a saved plan; anything else is manifests.
        var planFile: String? {
            guard fleet.paths.count == 1, fleet.paths[0].lowercased().hasSuffix(".json") else { return nil }
            return fleet.paths[0]
        }

        /// One apply (or break glass) at a time in this folder; a second stops at once.
        static func takeLock() throws -> ApplyLock {
            do {
                return try ApplyLock()
            } catch {
                Output.error("error: \(error.description)")
                throw ExitCode.failure
            }
        }

        func run() async throws {
            let lock = try Self.takeLock()
            defer { withExtendedLifetime(lock) {} }
            let stop = StopFlag()
            let signals = InterruptHandler(stop: stop)
            defer { signals.cancel() }
            let recorder = metrics.recorder("apply")
            // A machine-readable report for every outcome, refusals before sending included,
            // so mark-applied and dashboards always have one to read.
            if format == .json { Output.captureErrors() }
            do {
                if let planFile {
                    try await applySaved(planFile, stop: stop, recorder: recorder)
                } else {
                    try await applyFresh(stop: stop, recorder: recorder)
                }
            } catch {
                await recorder.finish(success: false)
                if format == .json, let code = error as? ExitCode, code != .success {
                    Output.write(Array(ApplyReport.stopped(exitCode: code.rawValue, errors: Output.capturedErrors).utf8))
                }
                throw error
            }
        }

        func options(_ session: FleetSession) -> ApplyOptions {
            var options = ApplyOptions()
            options.parallelism = api.parallelism
            options.waitTimeout = waitTimeout.duration
            options.callbackURL = callbackUrl
            options.policy = session.policy
            options.labels = Planner.labels(of: session.desired)
            return options
        }

        /// Refuses, before anything is sent, a run with more disruptive steps than allowed,
        /// counted by the policy's one rule, as the plan shows it.
        func checkBlastRadius(_ steps: [Step], managed: Int, policy: Policy) throws {
            let radius = policy.blastRadius(of: steps, managed: managed)
            guard radius.exceeded, !force else { return }
            let way = ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true"
                ? "Review the plan; if it is intended, run the apply workflow by hand (Run workflow) with accept-blast-radius checked, which its reviewers approve."
                : "Review the plan and rerun with --force if it is intended."
            Output.error("error: \(Wording.count(radius.disruptive, "disruptive step")) (block, terminate) for \(Wording.count(managed, "managed SIM")) exceed the blast-radius limit (\(radius.limit.summary)); nothing was sent. \(way)")
            throw ExitCode.failure
        }

        func fail(_ diagnostics: [Diagnostic]) -> ExitCode {
            for diagnostic in diagnostics { Output.error(diagnostic.formatted) }
            return ExitCode.failure
        }

        /// A saved plan is a reviewed list of steps, checked whole against the manifests it
        /// was made from before anything is sent; the manifests are the authority.
        func applySaved(_ path: String, stop: StopFlag, recorder: MetricsRecorder) async throws {
            let file = try PlanFile.read(path)
            recorder.count(file.plan)
            if file.target.kind == .simulator && !api.simulator {
                Output.error(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against the simulator; it cannot be applied to a real API. Plan against the API, or pass --simulator.").formatted)
                throw ExitCode.failure
            }
            if file.target.kind == .api && api.simulator {
                Output.error(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against the NexCon API at \(file.target.url); it cannot be applied to the simulator.").formatted)
                throw ExitCode.failure
            }
            let session = try await FleetSession.load(scope: file.scope, fleet: fleet)
            let digest = ManifestDigest.of(session.desired)
            guard digest == file.manifestDigest else {
                let changed = ManifestDigest.changedFiles(from: file.fileDigests, to: ManifestDigest.byFile(session.desired))
                let named = file.fileDigests.isEmpty || changed.isEmpty ? "" : ": " + changed.prefix(20).joined(separator: ", ")
                    + (changed.count > 20 ? " and \(changed.count - 20) more" : "")
                Output.error(Diagnostic.error(.planStale, at: SourceLocation(path: path), TerminalText.escape("the manifests changed since this plan was made\(named) (digest \(file.manifestDigest.prefix(12)), now \(digest.prefix(12))); run plan again. Nothing was sent.")).formatted)
                throw ExitCode.failure
            }
            let authorized: [Step]
            switch file.authorizedSteps(inScope: session.desired, policy: session.policy, path: path) {
            case .success(let steps): authorized = steps
            case .failure(let error): throw fail(error.diagnostics)
            }
            var (judged, narrowed) = try narrow(authorized, session: session, planPath: path)
            // The rules are judged again from the manifests and simfleet.yaml, and freezes at this moment.
            session.policy.judge(&judged, labels: Planner.labels(of: session.desired), clock: PolicyClock(now: Date()), reviewed: file.plan.steps)
            reportPolicy(judged)
            let steps = judged
            let targeted = Set(steps.map(\.icc))
            let planErrors = narrowed ? file.plan.errors.filter { $0.icc.map(targeted.contains) ?? false } : file.plan.errors
            let unsettled = narrowed ? file.plan.unsettled.filter { $0.icc.map(targeted.contains) ?? false } : file.plan.unsettled
            try checkBlastRadius(steps, managed: session.managed, policy: session.policy)
            var chosen = options(session)
            chosen.declared = await declarations(steps, desired: session.desired)
            let options = chosen
            var report = try await session.withClient(api) { client, target in
                if file.target.kind == .api && file.target.url != target.url {
                    Output.error(Diagnostic.error(.planTarget, at: SourceLocation(path: path), "the plan was made against \(file.target.url), not \(target.url); plan again against this API.").formatted)
                    throw ExitCode.failure
                }
                return try await execute(steps, client: client, target: target, digest: file.manifestDigest, options: options, stop: stop)
            }
            report.planErrors = planErrors
            report.unsettled = unsettled
            if narrowed { report.narrowedFrom = authorized.count }
            await finish(report, recorder: recorder)
        }

        /// `--target`, `--target-file` and `--label` with a saved plan apply the plan's
        /// steps for the matching SIMs, and nothing else.
        func narrow(_ steps: [Step], session: FleetSession, planPath: String) throws -> ([Step], Bool) {
            let (targeting, diagnostics) = fleet.targeting()
            guard !targeting.isEmpty else { return (steps, false) }
            var problems = diagnostics
            var narrowed: [Step] = []
            switch Policy.narrow(steps, by: targeting, inScope: session.desired, targetSource: fleet.targetFile ?? "--target", planPath: planPath) {
            case .success(let steps): narrowed = steps
            case .failure(let found): problems += found.diagnostics
            }
            guard !problems.hasErrors else {
                Output.error(problems.sorted().map(\.formatted).joined(separator: "\n"))
                Output.error("Nothing was sent: fix the \(Wording.count(problems.errorCount, "error")) above first.")
                throw ExitCode.failure
            }
            return (narrowed, true)
        }

        func applyFresh(stop: StopFlag, recorder: MetricsRecorder) async throws {
            let session = try await FleetSession.load(fleet)
            let options = options(session)
            let isTerminal = isatty(STDIN_FILENO) == 1
            if !autoApprove && !isTerminal {
                Output.error("error: apply without a plan file asks for approval, and there is no terminal to ask on; pass --auto-approve, or apply a saved plan. Nothing was sent.")
                throw ExitCode.failure
            }
            let report: ApplyReport = try await session.withClient(api) { client, target in
                let observed = try await session.sweep(client, api)
                let plan = Planner.plan(desired: session.desired, observed: observed, policy: session.policy, managed: session.managed,
                                        clock: PolicyClock(now: Date()))
                recorder.count(plan)
                var context = session.context(target)
                // With a machine-readable report, standard output holds only the report.
                if format == .text {
                    context.color = Terminal.colorOnStandardOutput
                    Output.write(Array(PlanView.text(plan, context: context).utf8))
                } else {
                    Output.error(PlanView.text(plan, context: context))
                }
                // Per-SIM errors stop only their SIMs; the report lists them and exits 3.
                let sendable = plan.steps.filter { options.refusal($0) == nil }
                try checkBlastRadius(plan.steps, managed: plan.summary.managed, policy: session.policy)
                if !autoApprove && !sendable.isEmpty {
                    Output.error("\nApply these \(Wording.grouped(sendable.count)) steps? Only 'yes' will be accepted:")
                    guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                        Output.error("Apply cancelled. Nothing was sent.")
                        throw ExitCode.failure
                    }
                }
                var options = options
                options.declared = await declarations(plan.steps, desired: session.desired)
                var report = try await execute(plan.steps, client: client, target: target, digest: context.manifestDigest, options: options, stop: stop)
                report.planErrors = plan.errors
                report.unsettled = plan.unsettled
                return report
            }
            await finish(report, recorder: recorder)
        }

        /// Where each step's state was declared, for the journal: read from the work tree
        /// now, never from the plan file.
        func declarations(_ steps: [Step], desired: [DesiredSIM]) async -> [ICC: Declaration] {
            await Blame.explain(Explanations.decidingLines(of: Set(steps.map(\.icc)), among: desired)).declared
        }

        /// What the policy rules say of this run, before anything is sent.
        func reportPolicy(_ steps: [Step]) {
            for step in steps {
                for verdict in step.verdicts where verdict.effect != .freeze {
                    let what = verdict.effect == .deny ? "not sent" : "sent, with a warning"
                    Output.error(TerminalText.escape("policy rule '\(verdict.rule)': \(step.action.rawValue) \(step.icc) \(what): \(verdict.reason)"))
                }
            }
        }

        func execute(_ steps: [Step], client: NexConClient, target: PlanTarget, digest: String,
                     options: ApplyOptions, stop: StopFlag) async throws -> ApplyReport {
            let journalPath = journal ?? Journal.defaultPath(now: Date())
            let journal: Journal
            do {
                journal = try Journal(path: journalPath)
            } catch {
                Output.error("error: cannot open the journal \(TerminalText.escape(journalPath)) (\(error)); nothing was sent")
                throw ExitCode.failure
            }
            journal.record("header") { w in
                w.field("simfleetVersion", SimfleetVersion.current)
                w.field("manifestDigest", digest)
                w.key("target")
                w.value(target)
                w.field("steps", steps.count)
            }
            // The header is on disk before the first action, or nothing is sent.
            journal.sync()
            if let failure = journal.failure {
                Output.error(Diagnostic.error(.fileWrite, at: SourceLocation(path: journalPath), "cannot write the journal: \(failure); nothing was sent. Free some space or pass --journal FILE elsewhere").formatted)
                throw ExitCode.failure
            }
            let progress = ApplyProgress(total: steps.count, waves: Set(steps.map(\.wave)).count)
            let reconciler = Reconciler(client: client, options: options, journal: journal, stop: stop, progress: progress)
            let line = ProgressLine.forStandardError(progress, noProgress: api.noProgress, interval: api.progressInterval.duration)
            let outcome: Result<ApplyReport, FatalAPIError> = await withTaskGroup(of: Result<ApplyReport, FatalAPIError>?.self) { group in
                if let line { group.addTask { await line.run(from: .now); return nil } }
                let result: Result<ApplyReport, FatalAPIError>
                do throws(FatalAPIError) {
                    result = .success(try await reconciler.apply(steps, target: target))
                } catch {
                    result = .failure(error)
                }
                group.cancelAll()
                return result
            }
            switch outcome {
            case .success(let report):
                journal.record("summary") { w in
                    w.field("interrupted", report.interrupted)
                    for outcome in StepOutcome.allCases { w.field(outcome.rawValue, report.count(outcome)) }
                }
                journal.sync()
                Output.error("Journal: \(TerminalText.escape(journalPath))")
                return report
            case .failure(let error):
                journal.record("stopped") { $0.field("reason", error.description) }
                journal.sync()
                Output.error("error: \(error.description)")
                throw ExitCode(3)
            }
        }

        func finish(_ report: ApplyReport, recorder: MetricsRecorder) async {
            stepSummary.append { _ in report.markdown(commentKey: comment.commentKey) }
            // Posted after the run, so a slow GitHub never delays an action; a failure to post
            // is a warning, and the exit status stays the apply's.
            if gitHub.prComment, let target = gitHub.target(needsPullRequest: true) {
                let marker = MarkdownText.commentMarker("apply", key: comment.commentKey)
                await GitHubOptions.postComment(PostedMarkdown.headed(report.markdown(commentKey: comment.commentKey), commit: target.commit),
                                                marker: marker, to: target, what: "the apply report")
            }
            let text = switch format {
            case .text: report.text()
            case .markdown: report.markdown(commentKey: comment.commentKey)
            case .github: report.github()
            case .json: report.json()
            }
            Output.write(Array(text.utf8))
            recorder.count(report)
            await recorder.finish(success: report.exitCode == 0 || report.exitCode == 4)
            Foundation.exit(report.exitCode)
        }
    }
}

/// First SIGINT or SIGTERM: finish what is in flight and report. Second: exit at once.
final class InterruptHandler: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(stop: StopFlag) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isSet {
                    Output.error("\nStopped at once.")
                    Foundation.exit(130)
                }
                stop.set()
                Output.error("\nStopping: no new steps; waiting for those in flight. Send the signal again to exit at once.")
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
