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
        w.object("fileDigests") { w in
            for (path, digest) in fileDigests.sorted(by: { $0.key < $1.key }) { w.field(path, digest) }
        }
        writeScope(&w)
        writeSummary(&w)
        w.object("explanations") { w in w.field("unavailable", plan.explanations.unavailable) }
        writePolicy(&w)
        w.array("holds", plan.holds) { w, hold in
            w.object { w in
                w.field("icc", hold.icc)
                w.field("reason", hold.reason)
                w.field("run", hold.run)
                w.field("branch", hold.branch)
                w.field("by", hold.by)
                w.field("at", hold.at)
            }
        }
        let declared = plan.explanations.declared
        w.array("steps", plan.steps) { w, step in Self.writeStep(&w, step, declared: declared[step.icc]) }
        w.array("sims", plan.sims) { w, sim in
            w.object { w in
                w.field("icc", sim.icc)
                w.field("name", sim.name)
                w.field("desired", sim.desired.rawValue)
                w.field("observed", sim.observed)
                w.field("live", sim.live?.rawValue)
                w.field("outcome", sim.outcome.rawValue)
                w.field("source", sim.location)
                Self.writeDeclared(&w, declared[sim.icc])
            }
        }
        w.array("errors", plan.errors) { w, issue in w.value(issue) }
        w.array("warnings", plan.warnings) { w, issue in w.value(issue) }
        w.objectEnd()
        w.newline()
        return w.string
    }

    private func writeScope(_ w: inout JSONWriter) {
        w.object("scope") { w in
            w.array("paths", scope.paths) { w, path in w.value(path) }
            w.array("targets", scope.targets) { w, icc in w.value(icc) }
            w.field("labels", sorted: scope.labels)
            w.field("shard", scope.shard?.description)
            w.field("partial", scope.isPartial)
            w.field("unselected", scope.unselected)
            guard let base = scope.changedSince else {
                w.key("changedSince")
                w.valueNull()
                return
            }
            w.object("changedSince") { w in
                w.field("ref", base.ref)
                w.field("mergeBase", base.mergeBase)
                w.field("unchanged", base.unchanged)
                w.field("settingsChange", base.settingsChange)
                w.field("pullRequestBase", base.pullRequestBase)
                w.array("origins", base.origins.sorted(by: { $0.key < $1.key })) { w, entry in
                    w.object { w in
                        w.field("icc", entry.key)
                        switch entry.value {
                        case .pullRequest:
                            w.field("origin", "pull-request")
                        case .drift:
                            w.field("origin", "drift")
                        case .mergedEarlier(let commit, let subject):
                            w.field("origin", "merged-earlier")
                            w.field("commit", commit)
                            w.field("subject", subject)
                        }
                    }
                }
                w.array("removed", base.removed) { w, sim in
                    w.object { w in
                        w.field("icc", sim.icc)
                        w.field("name", sim.name)
                        w.field("source", sim.location)
                    }
                }
            }
        }
    }

    /// The rules that caught steps, in the order they first catch one, with counts; each
    /// step's own verdicts are under the step.
    private func writePolicy(_ w: inout JSONWriter) {
        var order: [String] = []
        var counts: [String: [RuleVerdict.Effect: Int]] = [:]
        for verdict in plan.steps.lazy.flatMap(\.verdicts) {
            if counts[verdict.rule] == nil { order.append(verdict.rule) }
            counts[verdict.rule, default: [:]][verdict.effect, default: 0] += 1
        }
        w.array("policy", order) { w, rule in
            w.object { w in
                w.field("rule", rule)
                w.field("denied", counts[rule]?[.deny] ?? 0)
                w.field("warned", counts[rule]?[.warn] ?? 0)
                w.field("frozen", counts[rule]?[.freeze] ?? 0)
            }
        }
    }

    private func writeSummary(_ w: inout JSONWriter) {
        let s = plan.summary
        w.object("summary") { w in
            for (key, value) in [("managed", s.managed), ("activate", s.activate), ("block", s.block), ("restore", s.restore),
                                 ("terminate", s.terminate), ("refused", s.refused), ("unchanged", s.unchanged),
                                 ("errors", s.errors), ("pending", s.pending)] {
                w.field(key, value)
            }
        }
        w.object("blastRadius") { w in
            w.field("disruptive", plan.blastRadius.disruptive)
            w.field("managed", plan.blastRadius.managed)
            w.field("percent", plan.blastRadius.limit.percent)
            w.field("minimum", plan.blastRadius.limit.minimum)
            w.field("exceeded", plan.blastRadius.exceeded)
        }
    }

    private static func writeStep(_ w: inout JSONWriter, _ step: Step, declared: Declaration?) {
        w.object { w in
            w.field("icc", step.icc)
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
            w.field("source", step.location)
            w.array("policy", step.verdicts) { w, verdict in w.value(verdict) }
            writeDeclared(&w, declared)
        }
    }

    /// `"declared": {...}` when git told where the state was written; absent otherwise.
    static func writeDeclared(_ w: inout JSONWriter, _ declared: Declaration?) {
        guard let declared else { return }
        w.key("declared")
        w.value(declared)
    }
}

extension JSONWriter {
    /// `{"icc", "name", "source", "message"}`, as the plan file and apply's report write it.
    public mutating func value(_ issue: PlanIssue) {
        object { w in
            w.field("icc", issue.icc)
            w.field("name", issue.name)
            w.field("source", issue.location)
            w.field("message", issue.message)
        }
    }

    /// `{"rule", "effect", "reason"}`: a policy verdict, in the plan file and the journal.
    public mutating func value(_ verdict: RuleVerdict) {
        object { w in
            w.field("rule", verdict.rule)
            w.field("effect", verdict.effect.rawValue)
            w.field("reason", verdict.reason)
        }
    }

    /// `{"source", "committed", "commit", "author", "date", "authorTime", "authorZone",
    /// "subject", "pullRequest"}`: the plan file's and the journal's `declared`.
    public mutating func value(_ declared: Declaration) {
        object { w in
            w.field("source", declared.line)
            w.field("committed", declared.commit != nil)
            guard let commit = declared.commit else { return }
            w.field("commit", commit.id)
            w.field("author", commit.author)
            w.field("date", commit.date)
            w.field("authorTime", Int(commit.authorTime))
            w.field("authorZone", commit.authorZone)
            w.field("subject", commit.subject)
            w.key("pullRequest")
            if let number = commit.pullRequest { w.value(number) } else { w.valueNull() }
        }
    }

    /// `{"kind": "api"|"simulator", "url": ...}`
    public mutating func value(_ target: PlanTarget) {
        object { w in
            w.field("kind", target.kind.rawValue)
            w.field("url", target.url)
        }
    }
}
