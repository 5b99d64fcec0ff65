import ArgumentParser
import Operations
import Planning
import Views

extension PlanFormat: ExpressibleByArgument {}

extension SimfleetCommand {
    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what apply would change, from the manifests and every SIM's live status.",
            discussion: """
            Reads each SIM's live status from NexCon (or, with --simulator, from an embedded \
            simulator) and prints an ordered plan. Sends no action. Exit status: 0 success, \
            1 no plan (bad manifests, settings or key: nothing planned), 5 planned but some \
            SIMs could not be (not found, unreadable, an unknown status word: the rest of the \
            plan is shown, --out is still written and records the errors, and apply of it \
            carries out the valid steps and exits 3), and with --detailed-exitcode 2 when \
            there are changes or SIMs with a job in progress. \
            Terminations are refused unless --allow-terminate allows them; protect: true \
            always wins.
            """ + "\n\n" + Help.plan
        )

        /// The exit status of a plan made with some SIMs not planned.
        static let someSIMsNotPlanned: Int32 = 5

        @OptionGroup var fleet: FleetOptions
        @OptionGroup var api: APIOptions

        @Option(help: "Output format: text (terminal), markdown (pull-request comment), json, or github (annotations at the manifests, then the summary).")
        var format: PlanFormat = .text

        @Option(help: "Also save the JSON plan to this file, for apply.")
        var out: String?

        @Flag(help: "Exit with 2 when the manifests and the fleet differ (refused terminations included) and there are no errors.")
        var detailedExitcode = false

        @OptionGroup var comment: CommentOptions
        @OptionGroup var stepSummary: StepSummaryOptions
        @OptionGroup var forge: ForgeOptions
        @OptionGroup var metrics: MetricsOptions

        @OptionGroup var drift: DriftOptions

        @Flag(inversion: .prefixedNo, help: "Name, for each step and changed SIM, the commit, author, date and pull request that declared its state and the manifest line that decides it (one git log walk since the --changed-since base, else git blame per file with changes). On by default for markdown, json, --out, the step summary and GitHub posting; off for text and github unless given.")
        var explain: Bool?

        @Flag(help: "A declared-only plan: read no live status and need no key. With --changed-since REF, show what the change since REF does to the declared states: every step it implies if the fleet matched the manifests at the base (a SIM new to them taken to be inactive). Labelled as such in every format, posted like any plan, never applied. For merge and pull requests whose pipelines hold no key.")
        var offline = false

        func validate() throws {
            guard offline else { return }
            if fleet.changedSince == nil { throw ValidationError("--offline plans the change since a base: add --changed-since REF (the branch the change goes into, e.g. origin/main)") }
            if api.simulator || api.apiURL != nil || api.apiKeyFile != nil { throw ValidationError("--offline reads no live status; drop --simulator, --api-url and --api-key-file") }
            if drift.driftIssue { throw ValidationError("--drift-issue compares the fleet's live status with the manifests; drop --offline") }
        }

        func run() async throws {
            let posting = forge.prComment || drift.driftIssue
            // Checked before anything else: a bad GitHub setting is a warning up front, and
            // the plan goes on.
            let target = posting ? forge.target(needsPullRequest: forge.prComment) : nil
            if posting { Output.captureErrors() }
            let marker = MarkdownText.commentMarker("plan", key: comment.commentKey)
            let recorder = metrics.recorder("plan")
            let plan: (plan: Plan, context: RenderContext, picture: String?)
            do {
                plan = try await makePlan()
            } catch {
                await recorder.finish(success: false)
                if let target {
                    let body = PostedMarkdown.stopped(marker: marker, title: "simfleet plan", commit: target.commit, errors: Output.capturedErrors)
                    if forge.prComment { await target.postComment(body, marker: marker, what: "why there is no plan") }
                    if drift.driftIssue { await target.updateDriftIssue(.failed(body: body), marker: marker, label: drift.driftLabel) }
                }
                throw error
            }
            if let target {
                let markdown = PlanView.markdown(plan.plan, context: plan.context, limit: target.markdownLimit,
                                                 elsewhere: "this run's step summary and the JSON plan (`--out`)")
                if forge.prComment { await target.postComment(PostedMarkdown.headed(markdown, commit: target.commit), marker: marker) }
                if drift.driftIssue {
                    let converged = !plan.plan.hasChanges && plan.plan.errors.isEmpty
                    let body = PostedMarkdown.driftIssue(plan.plan, context: plan.context, picture: plan.picture, commit: target.commit,
                                                         runURL: target.runURL, limit: target.markdownLimit, repair: target.repairAdvice)
                    let count = plan.plan.sims.count { $0.outcome != .unchanged }
                    await target.updateDriftIssue(converged ? .matches : .differs(count: count, body: body), marker: marker, label: drift.driftLabel)
                }
            }
            recorder.count(plan.plan)
            await recorder.finish(success: plan.plan.errors.isEmpty)
            // Planned, but some SIMs could not be: their own status, so a pipeline can still
            // apply the valid steps of the plan file, which records the errors too.
            if !plan.plan.errors.isEmpty { throw ExitCode(Self.someSIMsNotPlanned) }
            if detailedExitcode && plan.plan.hasChanges { throw ExitCode(2) }
        }

        /// Plans (saving `--out`), appends the step summary (with the drift picture) and
        /// prints the plan.
        func makePlan() async throws -> (plan: Plan, context: RenderContext, picture: String?) {
            var request = PlanRequest()
            request.fleet = fleet.request
            request.parallelism = api.parallelism
            request.out = out
            request.commentKey = comment.commentKey
            request.offline = offline
            let posting = forge.prComment || drift.driftIssue || stepSummary.isRequested
            request.explain = explain ?? (format == .markdown || format == .json || out != nil || posting)
            request.showExplanations = explain == true
            let made: PlanOperation.Result
            do {
                made = try await PlanOperation(request, context: api.context()).run()
            } catch let stopped as OperationStopped {
                throw ExitCode(stopped.exitStatus)
            }
            let (plan, context) = (made.plan, made.context)
            let groups = drift.groupBy.map { label in
                Dictionary(made.desired.compactMap { sim in sim.labels[label].map { (sim.icc, $0) } }, uniquingKeysWith: { first, _ in first })
            } ?? [:]
            let picture = DriftPicture.markdown(plan, groupBy: drift.groupBy, groups: groups)
            stepSummary.append { room in
                PostedMarkdown.pictured(PlanView.markdown(plan, context: context, limit: room - (picture?.utf8.count ?? 0) - 2,
                                                          elsewhere: "the JSON plan (`--out`)"), picture)
            }
            var printed = context
            printed.color = format == .text && Terminal.colorOnStandardOutput
            Output.write(Array(PlanView.render(plan, as: format, context: printed).utf8))
            return (plan, context, picture)
        }
    }
}
