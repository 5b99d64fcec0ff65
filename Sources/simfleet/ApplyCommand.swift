import ArgumentParser
import Manifests
import Operations
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
        @OptionGroup var forge: ForgeOptions
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

        var request: ApplyRequest {
            var request = ApplyRequest()
            request.fleet = fleet.request
            request.planFile = planFile
            request.simulator = api.simulator
            request.autoApprove = autoApprove
            request.force = force
            request.waitTimeout = waitTimeout.duration
            request.callbackURL = callbackUrl
            request.journal = journal
            request.parallelism = api.parallelism
            request.planOnStandardOutput = format == .text
            return request
        }

        func run() async throws {
            let stop = StopFlag()
            let signals = InterruptHandler(stop: stop)
            defer { signals.cancel() }
            let recorder = metrics.recorder("apply")
            // A machine-readable report for every outcome, refusals before sending included,
            // so mark-applied and dashboards always have one to read.
            if format == .json { Output.captureErrors() }
            let result: ApplyOperation.Result
            do {
                result = try await ApplyOperation(request, context: api.context()).run(stop: stop)
            } catch let stopped as OperationStopped {
                await recorder.finish(success: false)
                if format == .json {
                    Output.write(Array(ApplyReport.stopped(exitCode: stopped.exitStatus, errors: Output.capturedErrors).utf8))
                }
                throw ExitCode(stopped.exitStatus)
            }
            recorder.count(result.plan)
            recorder.count(result.report)
            try await finish(result.report, recorder: recorder)
        }

        func finish(_ report: ApplyReport, recorder: MetricsRecorder) async throws {
            stepSummary.append { _ in report.markdown(commentKey: comment.commentKey) }
            // Posted after the run, so a slow GitHub never delays an action; a failure to post
            // is a warning, and the exit status stays the apply's.
            if forge.prComment, let target = forge.target(needsPullRequest: true) {
                let marker = MarkdownText.commentMarker("apply", key: comment.commentKey)
                await target.postComment(PostedMarkdown.headed(report.markdown(commentKey: comment.commentKey), commit: target.commit),
                                         marker: marker, what: "the apply report")
            }
            let text = switch format {
            case .text: report.text()
            case .markdown: report.markdown(commentKey: comment.commentKey)
            case .github: report.github()
            case .json: report.json()
            }
            Output.write(Array(text.utf8))
            await recorder.finish(success: report.converged)
            throw ExitCode(report.exitCode)
        }
    }
}
