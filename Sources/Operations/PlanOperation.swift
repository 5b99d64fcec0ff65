import FleetModel
import Foundation
import GitHistory
import Manifests
import Planning
import Platform
import Views

/// What plan is asked to do.
public struct PlanRequest: Sendable {
    public var fleet = FleetRequest()
    public var parallelism = 16
    /// Name, for each changed SIM, the commit and manifest line that declared its state.
    public var explain = false
    /// Whether text and annotations show the explanations (asked for by name).
    public var showExplanations = false
    /// Also save the JSON plan here, for apply; an earlier file there is removed first.
    public var out: String?
    public var commentKey: String?
    /// A declared-only plan: no live status is read and no key needed; each SIM is taken
    /// to be where the base of `--changed-since` declared it.
    public var offline = false

    public init() {}
}

/// Plans: the manifests, every SIM's live status and the policy make a plan; explained
/// from git when asked, saved when asked. Sends no action.
public struct PlanOperation: Sendable {
    public var request: PlanRequest
    public var context: OperationContext

    public init(_ request: PlanRequest, context: OperationContext) {
        self.request = request
        self.context = context
    }

    /// The plan, what renderers say about it, and the SIMs it was made for.
    public struct Result: Sendable {
        public var plan: Plan
        public var context: RenderContext
        public var desired: [DesiredSIM]
    }

    public func run() async throws -> Result {
        if let out = request.out {
            // A stale file must never be taken for this run's plan, even if planning stops.
            do {
                try AtomicFile.removeStale(out)
            } catch {
                throw context.refuse(Diagnostic.error(.fileWrite, at: SourceLocation(path: out), "cannot remove the earlier plan file (\(error)) before planning; remove it, or name another --out").formatted)
            }
        }
        if request.offline && request.fleet.changedSince == nil {
            throw context.refuse("error: --offline plans what the change since a base does to the declared states; add --changed-since REF (the branch the change goes into, e.g. origin/main). Nothing was read from NexCon.")
        }
        let session = try await FleetSession.load(request.fleet, context: context)
        let context = context
        let parallelism = request.parallelism
        var plan: Plan, target: PlanTarget
        if request.offline {
            // Never a live read instead: without the base's states there is no declared-only plan.
            guard let atBase = session.declaredAtBase else {
                throw context.refuse("error: --offline found no base to plan from; add --changed-since REF. Nothing was read from NexCon.")
            }
            (plan, target) = (Planner.plan(desired: session.desired, assumed: atBase, policy: session.policy, managed: session.managed), .declaredOnly)
        } else {
            (plan, target) = try await context.nexCon.open(seed: session.desired, console: context.console) { nexCon, target in
                let observed = try await session.sweep(nexCon, parallelism: parallelism, context: context)
                // No clock: a plan shows freezes by their windows, for whenever it is applied.
                return (Planner.plan(desired: session.desired, observed: observed, policy: session.policy, managed: session.managed), target)
            }
        }
        if request.explain {
            // Every SIM the plan does not leave as it is: its steps, or why it has none.
            let changed = Set(plan.sims.lazy.filter { $0.outcome != .unchanged }.map(\.icc))
            plan.explanations = await Blame.explain(Explanations.decidingLines(of: changed, among: session.desired), from: context.folder,
                                                    since: session.scope.changedSince?.mergeBase)
        }
        var rendering = session.context(target)
        rendering.explain = request.showExplanations
        rendering.commentKey = request.commentKey
        if let out = request.out {
            do {
                try AtomicFile.write(Array(PlanView.json(plan, context: rendering).utf8), to: out)
            } catch {
                throw context.refuse(Diagnostic.error(.fileWrite, at: SourceLocation(path: out), "cannot save the plan (\(error)); check the folder exists and is writable").formatted)
            }
        }
        return Result(plan: plan, context: rendering, desired: session.desired)
    }
}
