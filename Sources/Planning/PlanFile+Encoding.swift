import FleetModel
import Foundation

/// Writing a plan file: the JSON `plan --out` saves and `show` reads back.
extension PlanFile {
    public func encoded() -> String {
        var w = JSONWriter(reservingCapacity: 512 + plan.sims.count * 200 + plan.steps.count * 240)
        w.objectStart()
        w.field("formatVersion", Self.formatVersion)
        w.field("simfleetVersion", simfleetVersion)
        w.key("target")
        w.value(target)
        w.field("manifestDigest", manifestDigest)
        writeScope(&w)
        writeSummary(&w)
        w.key("steps")
        w.arrayStart()
        for step in plan.steps { writeStep(&w, step) }
        w.arrayEnd()
        w.key("sims")
        w.arrayStart()
        for sim in plan.sims {
            w.objectStart()
            w.key("icc")
            w.value(sim.icc)
            w.field("name", sim.name)
            w.field("desired", sim.desired.rawValue)
            w.field("observed", sim.observed)
            w.field("live", sim.live?.rawValue)
            w.field("outcome", sim.outcome.rawValue)
            w.key("source")
            w.value(sim.location)
            w.objectEnd()
        }
        w.arrayEnd()
        for (key, issues) in [("errors", plan.errors), ("warnings", plan.warnings)] {
            w.key(key)
            w.arrayStart()
            for issue in issues { w.value(issue) }
            w.arrayEnd()
        }
        w.objectEnd()
        w.newline()
        return w.string
    }

    private func writeScope(_ w: inout JSONWriter) {
        w.key("scope")
        w.objectStart()
        w.key("paths")
        w.arrayStart()
        for path in scope.paths { w.value(path) }
        w.arrayEnd()
        w.key("targets")
        w.arrayStart()
        for icc in scope.targets { w.value(icc) }
        w.arrayEnd()
        w.field("labels", sorted: scope.labels)
        w.field("shard", scope.shard?.description)
        w.field("partial", scope.isPartial)
        w.field("unselected", scope.unselected)
        w.key("changedSince")
        if let base = scope.changedSince {
            w.objectStart()
            w.field("ref", base.ref)
            w.field("mergeBase", base.mergeBase)
            w.field("unchanged", base.unchanged)
            w.field("settingsChange", base.settingsChange)
            w.field("pullRequestBase", base.pullRequestBase)
            w.key("origins")
            w.arrayStart()
            for (icc, origin) in base.origins.sorted(by: { $0.key < $1.key }) {
                w.objectStart()
                w.key("icc")
                w.value(icc)
                switch origin {
                case .pullRequest:
                    w.field("origin", "pull-request")
                case .mergedEarlier(let commit, let subject):
                    w.field("origin", "merged-earlier")
                    w.field("commit", commit)
                    w.field("subject", subject)
                }
                w.objectEnd()
            }
            w.arrayEnd()
            w.key("removed")
            w.arrayStart()
            for sim in base.removed {
                w.objectStart()
                w.key("icc")
                w.value(sim.icc)
                w.field("name", sim.name)
                w.key("source")
                w.value(sim.location)
                w.objectEnd()
            }
            w.arrayEnd()
            w.objectEnd()
        } else {
            w.valueNull()
        }
        w.objectEnd()
    }

    private func writeSummary(_ w: inout JSONWriter) {
        let s = plan.summary
        w.key("summary")
        w.objectStart()
        for (key, value) in [("managed", s.managed), ("activate", s.activate), ("block", s.block), ("restore", s.restore),
                             ("terminate", s.terminate), ("refused", s.refused), ("unchanged", s.unchanged),
                             ("errors", s.errors), ("pending", s.pending)] {
            w.field(key, value)
        }
        w.objectEnd()
        w.key("blastRadius")
        w.objectStart()
        w.field("disruptive", plan.blastRadius.disruptive)
        w.field("managed", plan.blastRadius.managed)
        w.field("percent", plan.blastRadius.limit.percent)
        w.field("minimum", plan.blastRadius.limit.minimum)
        w.field("exceeded", plan.blastRadius.exceeded)
        w.objectEnd()
    }

    private func writeStep(_ w: inout JSONWriter, _ step: Step) {
        w.objectStart()
        w.key("icc")
        w.value(step.icc)
        w.field("name", step.name)
        w.field("action", step.action.rawValue)
        w.field("from", step.from.rawValue)
        w.field("to", step.to.rawValue)
        w.field("wave", step.wave)
        w.field("refused", step.refused)
        w.field("reason", step.reason)
        w.field("note", step.note)
        w.field("manifestNote", step.manifestNote)
        w.field("callbackUrl", step.callbackURL)
        w.field("protect", step.protect)
        w.key("source")
        w.value(step.location)
        w.objectEnd()
    }
}

extension JSONWriter {
    /// `{"icc", "name", "source", "message"}`, as the plan file and apply's report write it.
    public mutating func value(_ issue: PlanIssue) {
        objectStart()
        key("icc")
        if let icc = issue.icc { value(icc) } else { valueNull() }
        field("name", issue.name)
        key("source")
        if let location = issue.location { value(location) } else { valueNull() }
        field("message", issue.message)
        objectEnd()
    }

    /// `{"kind": "api"|"simulator", "url": ...}`
    public mutating func value(_ target: PlanTarget) {
        objectStart()
        field("kind", target.kind.rawValue)
        field("url", target.url)
        objectEnd()
    }
}
