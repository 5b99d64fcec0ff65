import FleetModel
import Foundation

/// Reading a plan file, described in PlanFile+Document: the whole file is checked
/// before any of it is used.
extension PlanFile {
    /// At most this many problems are listed for one file.
    static let problemLimit = 20

    /// Reads a plan file and checks it whole, without the manifests: its format version,
    /// every field's type and value, each step's action and states, and no step twice.
    /// Every problem found is a diagnostic for `path`.
    public static func decode(_ bytes: [UInt8], path: String) -> Result<PlanFile, PlanFileError> {
        let location = SourceLocation(path: path)
        let data = Data(bytes)
        guard let version = try? JSONDecoder().decode(Document.Version.self, from: data) else {
            return .failure(PlanFileError([.error(.planNotAPlan, at: location, "not a simfleet plan (it is not JSON with a 'formatVersion'); make one with 'simfleet plan --out FILE'")]))
        }
        guard version.formatVersion == formatVersion else {
            let advice = version.formatVersion < formatVersion
                ? "was written by an older simfleet; this one reads format \(formatVersion): run 'simfleet plan --out FILE' again"
                : "was written by a newer simfleet; this one reads format \(formatVersion): upgrade simfleet, or plan again with this one"
            return .failure(PlanFileError([.error(.planFormat, at: location, "plan format \(version.formatVersion) \(advice)")]))
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            return .failure(PlanFileError([.error(.planNotAPlan, at: location, "not a simfleet plan (\(describe(error))); plan again rather than editing the file")]))
        }
        var reader = Reader()
        let kind = PlanTarget.Kind(rawValue: document.target.kind)
        reader.check(kind != nil, "unknown plan target '\(document.target.kind)'")
        // Shown in the markdown footer: a version, never markup.
        reader.check(!document.simfleetVersion.isEmpty && document.simfleetVersion.utf8.count <= 64
                     && document.simfleetVersion.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || ".+-_".unicodeScalars.contains($0) },
                     "'simfleetVersion' is not a version (letters, digits, '.', '+', '-', '_', at most 64)")
        reader.check(document.manifestDigest.utf8.count == 64 && document.manifestDigest.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) },
                     "'manifestDigest' is not a SHA-256 digest")
        let targets = document.scope.targets.enumerated().map { reader.icc($0.element, "scope target \($0.offset + 1)") }
        let shard = document.scope.shard.flatMap(Shard.init)
        reader.check(document.scope.shard == nil || shard != nil, "'scope.shard' is not K/N")
        let changedSince = document.scope.changedSince.map { base in
            ChangeBase(ref: base.ref, mergeBase: base.mergeBase, unchanged: base.unchanged, removed: base.removed.enumerated().map {
                RemovedSIM(icc: reader.icc($0.element.icc, "removed SIM \($0.offset + 1)"), name: $0.element.name, location: reader.locate($0.element.source))
            }, settingsChange: base.settingsChange, pullRequestBase: base.pullRequestBase,
            origins: Dictionary((base.origins ?? []).enumerated().map { index, saved -> (ICC, ChangeOrigin) in
                let icc = reader.icc(saved.icc, "origin \(index + 1)")
                switch (saved.origin, saved.commit, saved.subject) {
                case ("pull-request", _, _): return (icc, .pullRequest)
                case ("drift", _, _): return (icc, .drift)
                case ("merged-earlier", let commit?, let subject?) where commit.utf8.count >= 40 && commit.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }):
                    return (icc, .mergedEarlier(commit: commit, subject: subject))
                default:
                    reader.check(false, "origin \(index + 1) is neither 'pull-request', 'drift' nor 'merged-earlier' with a commit id and subject")
                    return (icc, .pullRequest)
                }
            }, uniquingKeysWith: { first, _ in first }))
        }
        reader.check(changedSince.map { $0.mergeBase.utf8.count >= 40 && $0.mergeBase.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } } ?? true,
                     "'scope.changedSince.mergeBase' is not a commit id")
        let steps = reader.steps(document.steps)
        let sims = reader.sims(document.sims)
        var declared: [ICC: Declaration] = [:]
        for (index, saved) in document.sims.enumerated() {
            guard let found = saved.declared else { continue }
            declared[ICC(unchecked: saved.icc)] = reader.declaration(found, "SIM \(index + 1)")
        }
        for (index, saved) in document.steps.enumerated() {
            guard let found = saved.declared else { continue }
            let declaration = reader.declaration(found, "step \(index + 1)")
            reader.check(declared[ICC(unchecked: saved.icc)].map { $0 == declaration } ?? true,
                         "step \(index + 1): 'declared' differs from its SIM's")
        }
        let errors = reader.issues(document.errors, "error"), warnings = reader.issues(document.warnings, "warning")
        let s = document.summary, r = document.blastRadius
        reader.check(r.percent.isFinite && r.percent >= 0 && r.minimum >= 0, "'blastRadius' holds a negative or non-finite limit")
        guard reader.problems.isEmpty, let kind else {
            return .failure(PlanFileError(reader.problems.map { .error(.planInvalid, at: location, $0 + "; plan again rather than editing the file") }))
        }
        let summary = PlanSummary(managed: s.managed, activate: s.activate, block: s.block, restore: s.restore, terminate: s.terminate,
                                  refused: s.refused, unchanged: s.unchanged, pending: s.pending, errors: s.errors)
        var plan = Plan(steps: steps, sims: sims, errors: errors, warnings: warnings, summary: summary,
                        blastRadius: BlastRadius(disruptive: r.disruptive, managed: r.managed,
                                                 limit: BlastRadiusLimit(percent: r.percent, minimum: r.minimum)),
                        explanations: Explanations(declared: declared, unavailable: document.explanations.unavailable))
        plan.holds = (document.holds ?? []).prefix(10_000).compactMap { saved in
            ICC.validate(saved.icc) == nil
                ? Hold(icc: ICC(unchecked: saved.icc), reason: saved.reason, run: saved.run, branch: saved.branch, by: saved.by, at: saved.at) : nil
        }
        var file = PlanFile(plan: plan, simfleetVersion: document.simfleetVersion,
                                 target: PlanTarget(kind: kind, url: document.target.url),
                                 manifestDigest: document.manifestDigest,
                                 scope: PlanScope(paths: document.scope.paths, targets: targets, labels: document.scope.labels,
                                                  shard: shard, unselected: document.scope.unselected, changedSince: changedSince))
        // Only for naming files in a refusal: a damaged entry is dropped, never trusted.
        file.fileDigests = (document.fileDigests ?? [:]).filter { path, digest in
            path.utf8.count <= 4096 && digest.utf8.count == 64 && digest.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        return .success(file)
    }

    /// Turns the decoded document into values, collecting every problem (up to a limit).
    private struct Reader {
        var problems: [String] = []

        mutating func check(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition && problems.count < problemLimit { problems.append(problem()) }
        }

        mutating func icc(_ text: String, _ what: @autoclosure () -> String) -> ICC {
            check(ICC.validate(text) == nil, "\(what()): '\(text)' is not a valid ICC")
            return ICC(unchecked: text)
        }

        /// A location names a line and column, or the file alone (line 0), as it is written.
        func locate(_ saved: Location) -> SourceLocation {
            guard let line = saved.line, line > 0 else { return SourceLocation(path: saved.path) }
            return SourceLocation(path: saved.path, line: line, column: max(0, saved.column ?? 0))
        }

        /// Each step's action and states, and no step twice.
        mutating func steps(_ saved: [Document.SavedStep]) -> [Step] {
            var steps: [Step] = []
            var firstIndex: [StepKey: Int] = [:]
            for (index, saved) in saved.enumerated() {
                let number = index + 1
                let what = "step \(number) (\(saved.action) \(saved.icc))"
                let stepICC = icc(saved.icc, what)
                let action = SIMAction(rawValue: saved.action)
                let from = SIMState(rawValue: saved.from), to = SIMState(rawValue: saved.to)
                check(action != nil, "\(what): unknown action '\(saved.action)' (valid: activate, block, restore, terminate)")
                check(from != nil && to != nil, "\(what): unknown state in 'from' or 'to'")
                check(action == nil || to == nil || action!.target == to, "\(what): \(saved.action) leads to \(action?.target.rawValue ?? "?"), not \(saved.to)")
                check(saved.wave >= 1, "\(what): wave \(saved.wave) is not a positive number")
                guard let action, let from, let to else { continue }
                let key = StepKey(icc: stepICC, action: action)
                if let first = firstIndex[key] {
                    check(false, "\(what) is listed twice, as step \(first + 1) and step \(number); a step is sent at most once")
                } else {
                    firstIndex[key] = index
                }
                var verdicts: [RuleVerdict] = []
                for (position, verdict) in saved.policy.enumerated() {
                    let effect = RuleVerdict.Effect(rawValue: verdict.effect)
                    check(effect != nil, "\(what): policy verdict \(position + 1) has unknown effect '\(verdict.effect)' (valid: deny, warn, freeze)")
                    if let effect { verdicts.append(RuleVerdict(rule: verdict.rule, effect: effect, reason: verdict.reason)) }
                }
                steps.append(Step(icc: stepICC, name: saved.name, action: action, from: from, to: to, wave: saved.wave,
                                  refused: saved.refused, reason: saved.reason, note: saved.note, manifestNote: saved.manifestNote, callbackURL: saved.callbackUrl,
                                  protect: saved.protect, location: locate(saved.source), verdicts: verdicts))
            }
            return steps
        }

        /// A `declared` object: shown, never trusted, so only its shape is checked.
        mutating func declaration(_ saved: Declared, _ what: String) -> Declaration {
            let location = locate(saved.source)
            guard saved.committed else { return Declaration(line: location, commit: nil) }
            let id = saved.commit ?? ""
            check((id.utf8.count == 40 || id.utf8.count == 64) && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) },
                  "\(what): 'declared.commit' is not a commit id")
            check(saved.pullRequest.map { $0 > 0 } ?? true, "\(what): 'declared.pullRequest' is not a positive number")
            return Declaration(line: location, commit: DeclaringCommit(
                id: id, author: String((saved.author ?? "").prefix(200)), authorTime: saved.authorTime ?? 0,
                authorZone: String((saved.authorZone ?? "+0000").prefix(5)), subject: String((saved.subject ?? "").prefix(500)),
                pullRequest: saved.pullRequest))
        }

        mutating func sims(_ saved: [Document.SavedSIM]) -> [PlannedSIM] {
            var sims: [PlannedSIM] = []
            for (index, saved) in saved.enumerated() {
                let what = "SIM \(index + 1)"
                let simICC = icc(saved.icc, what)
                let desired = SIMState(rawValue: saved.desired), outcome = Outcome(rawValue: saved.outcome)
                let live = saved.live.map(LiveState.init(rawValue:))
                check(desired != nil, "\(what): unknown desired state '\(saved.desired)'")
                check(outcome != nil, "\(what): unknown outcome '\(saved.outcome)'")
                check(live == nil || live! != nil, "\(what): unknown live state '\(saved.live ?? "")'")
                guard let desired, let outcome else { continue }
                sims.append(PlannedSIM(icc: simICC, name: saved.name, desired: desired, observed: saved.observed,
                                       live: live ?? nil, outcome: outcome, location: locate(saved.source)))
            }
            return sims
        }

        mutating func issues(_ saved: [Issue], _ list: String) -> [PlanIssue] {
            var issues: [PlanIssue] = []
            for (index, issue) in saved.enumerated() {
                issues.append(PlanIssue(icc: issue.icc.map { icc($0, "\(list) \(index + 1)") }, name: issue.name,
                                        location: issue.source.map(locate), message: issue.message))
            }
            return issues
        }
    }

    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { String($0 + 1) } ?? $0.stringValue }.joined(separator: ".")
        }
        return switch error {
        case DecodingError.keyNotFound(let key, let context):
            "'\(path(context).isEmpty ? key.stringValue : path(context) + "." + key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(path(context))' has the wrong type"
        case DecodingError.dataCorrupted: "it is not valid JSON"
        default: "it cannot be read"
        }
    }
}
