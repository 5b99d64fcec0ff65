import FleetModel
import Foundation

/// What a plan covered: the manifest paths it read and what narrowed them.
public struct PlanScope: Sendable, Hashable {
    /// Manifest files and folders, as given to `plan` (relative to where it ran).
    public var paths: [String]
    /// `--target` and `--target-file` ICCs, sorted; empty means every SIM.
    public var targets: [ICC]
    /// `--label` key=value pairs; all must match.
    public var labels: [String: String]
    /// `--shard K/N`: one Nth of the fleet, by ICC.
    public var shard: Shard?
    /// SIMs the manifests declare that the targets, labels and shard left out.
    public var unselected: Int
    /// With `--changed-since`: the commit compared with, and what that left out.
    public var changedSince: ChangeBase?

    public init(paths: [String], targets: [ICC] = [], labels: [String: String] = [:], shard: Shard? = nil, unselected: Int = 0,
                changedSince: ChangeBase? = nil) {
        self.paths = paths
        self.targets = targets.sorted()
        self.labels = labels
        self.shard = shard
        self.unselected = unselected
        self.changedSince = changedSince
    }

    public var targeting: Targeting { Targeting(iccs: Set(targets), labels: labels, shard: shard) }
    public var isPartial: Bool { !targeting.isEmpty || changedSince.map { $0.settingsChange == nil } == true }

    /// What every rendering says when the plan covers only some of the SIMs.
    public var partialSentences: [String] {
        var sentences: [String] = []
        if !targeting.isEmpty {
            var chosen: [String] = []
            if !targets.isEmpty { chosen.append("the \(Wording.count(targets.count, "targeted ICC"))") }
            if !labels.isEmpty { chosen.append("labels " + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
            if let shard { chosen.append("shard \(shard.description) (about 1 in \(shard.count) SIMs, chosen by ICC)") }
            sentences.append("Partial plan: only SIMs matching \(chosen.joined(separator: " and ")); \(Wording.count(unselected, "other SIM")) not checked.")
        }
        if let base = changedSince {
            if let reason = base.settingsChange {
                sentences.append("Full plan: the settings changed since \(base.ref) (\(reason)), and settings can change any SIM's verdict, so every SIM in scope is checked.")
            } else {
                sentences.append("Partial plan: \(Wording.count(base.unchanged, "SIM")) not checked (unchanged since \(base.ref), merge-base \(base.mergeBase.prefix(7))).")
            }
        }
        return sentences
    }
}

/// The commit `--changed-since` compared the manifests with, and what it found.
public struct ChangeBase: Sendable, Hashable {
    /// The ref as given, and the commit it and HEAD share.
    public var ref: String
    public var mergeBase: String
    /// SIMs in scope whose desired state is as it was, so not checked.
    public var unchanged: Int
    /// No longer managed; left as they are.
    public var removed: [RemovedSIM]
    /// Why the settings file counts as changed since the merge-base; the plan then checks
    /// every SIM in scope.
    public var settingsChange: String?
    /// `--pull-request-base`: the branch the pull request goes into, and where each changed
    /// SIM's change comes from, so a reviewer sees what was merged earlier and not applied.
    public var pullRequestBase: String?
    public var origins: [ICC: ChangeOrigin]

    public init(ref: String, mergeBase: String, unchanged: Int, removed: [RemovedSIM], settingsChange: String? = nil,
                pullRequestBase: String? = nil, origins: [ICC: ChangeOrigin] = [:]) {
        self.ref = ref
        self.mergeBase = mergeBase
        self.unchanged = unchanged
        self.removed = removed
        self.settingsChange = settingsChange
        self.pullRequestBase = pullRequestBase
        self.origins = origins
    }

    /// "3 steps come from this pull request; 194 were merged earlier and not applied yet
    /// (since simfleet/applied): the apply after merge carries out all of them."
    public func originSentence(_ steps: [Step]) -> String? {
        guard pullRequestBase != nil, !steps.isEmpty else { return nil }
        let ours = steps.count { origins[$0.icc] == nil || origins[$0.icc] == .pullRequest }
        let earlier = steps.count - ours
        guard earlier > 0 else { return "Every step comes from this pull request." }
        return "\(Wording.count(ours, "step")) \(ours == 1 ? "comes" : "come") from this pull request; \(Wording.grouped(earlier)) \(earlier == 1 ? "was" : "were") merged earlier and not applied yet (since \(ref)): the apply after merge carries out all of them."
    }
}

/// Where a planned SIM's change comes from, relative to a pull request.
public enum ChangeOrigin: Sendable, Hashable {
    /// A commit of the pull request, or the work tree.
    case pullRequest
    /// A commit already on the base branch, after the last apply, not yet applied.
    case mergedEarlier(commit: String, subject: String)

    /// "this pull request", "merged earlier, not applied yet: 3f9c2d1 Block stolen trucks (#12)".
    public var label: String {
        switch self {
        case .pullRequest: "this pull request"
        case .mergedEarlier(let commit, let subject): "merged earlier, not applied yet: \(commit.prefix(7)) \(Diagnostic.excerpt(subject))"
        }
    }
}

/// Where live statuses came from, stated in every rendering of a plan.
public struct PlanTarget: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case api, simulator }
    public var kind: Kind
    public var url: String

    public init(kind: Kind, url: String) {
        self.kind = kind
        self.url = url
    }

    /// Names the URL as given, so renderers escape it like any outside text.
    public var sentence: String {
        switch kind {
        case .api: "Live status read from the NexCon API at \(url)."
        case .simulator: "Made against the NexCon simulator at \(url), not the real API."
        }
    }
}

/// The saved plan (`plan --out`, `plan --format json`): a reviewed list of steps and what
/// it was made from. Writer, reader and the checks that bind it to the manifests live
/// here together, so the format is declared once.
///
/// The file is something a person could edit, so it never grants authority: `apply`
/// re-derives `protect`, the desired states, refusals and the managed count from the
/// manifests, and a file whose steps a fresh plan could not contain is refused whole.
public struct PlanFile: Sendable, Hashable {
    /// 4: `--changed-since` covers every commit since the merge-base, shards, origins,
    /// and `ManifestDigest`'s own canonical form (version 1).
    public static let formatVersion = 4
    /// Larger files are refused unread.
    public static let maximumSize = 512 * 1024 * 1024

    public var simfleetVersion: String
    public var target: PlanTarget
    /// SHA-256 of the resolved desired state of the SIMs in scope (`ManifestDigest`).
    public var manifestDigest: String
    public var scope: PlanScope
    public var plan: Plan

    public init(plan: Plan, simfleetVersion: String, target: PlanTarget, manifestDigest: String, scope: PlanScope) {
        self.plan = plan
        self.simfleetVersion = simfleetVersion
        self.target = target
        self.manifestDigest = manifestDigest
        self.scope = scope
    }

    // MARK: Writing

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

    // MARK: Reading

    private struct Document: Decodable {
        struct Target: Decodable { var kind: String; var url: String }
        struct Scope: Decodable {
            var paths: [String]
            var targets: [String]
            var labels: [String: String]
            var shard: String?
            var unselected: Int
            var changedSince: Base?
        }
        struct Base: Decodable {
            struct Removed: Decodable { var icc: String; var name: String?; var source: Location }
            var ref: String
            var mergeBase: String
            var unchanged: Int
            struct Origin: Decodable { var icc: String; var origin: String; var commit: String?; var subject: String? }
            var settingsChange: String?
            var pullRequestBase: String?
            var origins: [Origin]?
            var removed: [Removed]
        }
        struct Summary: Decodable {
            var managed, activate, block, restore, terminate, refused, unchanged, errors, pending: Int
        }
        struct Radius: Decodable { var disruptive: Int; var managed: Int; var percent: Double; var minimum: Int }
        struct Location: Decodable { var path: String; var line: Int?; var column: Int? }
        struct SavedStep: Decodable {
            var icc: String
            var name: String?
            var action: String
            var from: String
            var to: String
            var wave: Int
            var refused: Bool
            var reason: String?
            var note: String?
            var manifestNote: String?
            var callbackUrl: String?
            var protect: Bool
            var source: Location
        }
        struct SavedSIM: Decodable {
            var icc: String
            var name: String?
            var desired: String
            var observed: String?
            var live: String?
            var outcome: String
            var source: Location
        }
        struct Issue: Decodable { var icc: String?; var name: String?; var source: Location?; var message: String }
        struct Version: Decodable { var formatVersion: Int }

        var simfleetVersion: String
        var target: Target
        var manifestDigest: String
        var scope: Scope
        var summary: Summary
        var blastRadius: Radius
        var steps: [SavedStep]
        var sims: [SavedSIM]
        var errors: [Issue]
        var warnings: [Issue]
    }

    /// At most this many problems are listed for one file.
    static let problemLimit = 20

    /// Reads a plan file and checks it whole, without the manifests: its format version,
    /// every field's type and value, each step's action and states, and no step twice.
    /// Every problem found is a diagnostic for `path`.
    public static func decode(_ bytes: [UInt8], path: String) -> Result<PlanFile, PlanFileError> {
        let location = SourceLocation(path: path)
        let data = Data(bytes)
        guard let version = try? JSONDecoder().decode(Document.Version.self, from: data) else {
            return .failure(PlanFileError([.error(at: location, "not a simfleet plan (it is not JSON with a 'formatVersion'); make one with 'simfleet plan --out FILE'")]))
        }
        guard version.formatVersion == formatVersion else {
            let advice = version.formatVersion < formatVersion
                ? "was written by an older simfleet; this one reads format \(formatVersion): run 'simfleet plan --out FILE' again"
                : "was written by a newer simfleet; this one reads format \(formatVersion): upgrade simfleet, or plan again with this one"
            return .failure(PlanFileError([.error(at: location, "plan format \(version.formatVersion) \(advice)")]))
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            return .failure(PlanFileError([.error(at: location, "not a simfleet plan (\(describe(error))); plan again rather than editing the file")]))
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
                case ("merged-earlier", let commit?, let subject?) where commit.utf8.count >= 40 && commit.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }):
                    return (icc, .mergedEarlier(commit: commit, subject: subject))
                default:
                    reader.check(false, "origin \(index + 1) is neither 'pull-request' nor 'merged-earlier' with a commit id and subject")
                    return (icc, .pullRequest)
                }
            }, uniquingKeysWith: { first, _ in first }))
        }
        reader.check(changedSince.map { $0.mergeBase.utf8.count >= 40 && $0.mergeBase.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } } ?? true,
                     "'scope.changedSince.mergeBase' is not a commit id")
        let steps = reader.steps(document.steps)
        let sims = reader.sims(document.sims)
        let errors = reader.issues(document.errors, "error"), warnings = reader.issues(document.warnings, "warning")
        let s = document.summary, r = document.blastRadius
        reader.check(r.percent.isFinite && r.percent >= 0 && r.minimum >= 0, "'blastRadius' holds a negative or non-finite limit")
        guard reader.problems.isEmpty, let kind else {
            return .failure(PlanFileError(reader.problems.map { .error(at: location, $0 + "; plan again rather than editing the file") }))
        }
        let summary = PlanSummary(managed: s.managed, activate: s.activate, block: s.block, restore: s.restore, terminate: s.terminate,
                                  refused: s.refused, unchanged: s.unchanged, pending: s.pending, errors: s.errors)
        let plan = Plan(steps: steps, sims: sims, errors: errors, warnings: warnings, summary: summary,
                        blastRadius: BlastRadius(disruptive: r.disruptive, managed: r.managed,
                                                 limit: BlastRadiusLimit(percent: r.percent, minimum: r.minimum)))
        return .success(PlanFile(plan: plan, simfleetVersion: document.simfleetVersion,
                                 target: PlanTarget(kind: kind, url: document.target.url),
                                 manifestDigest: document.manifestDigest,
                                 scope: PlanScope(paths: document.scope.paths, targets: targets, labels: document.scope.labels,
                                                  shard: shard, unselected: document.scope.unselected, changedSince: changedSince)))
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
        func locate(_ saved: Document.Location) -> SourceLocation {
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
                steps.append(Step(icc: stepICC, name: saved.name, action: action, from: from, to: to, wave: saved.wave,
                                  refused: saved.refused, reason: saved.reason, note: saved.note, manifestNote: saved.manifestNote, callbackURL: saved.callbackUrl,
                                  protect: saved.protect, location: locate(saved.source)))
            }
            return steps
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

        mutating func issues(_ saved: [Document.Issue], _ list: String) -> [PlanIssue] {
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

    // MARK: Binding to the manifests

    /// Checks the file's steps against the manifests and returns the steps apply may carry
    /// out, rebuilt from the manifests: names, `protect`, callback URLs and refusals never
    /// come from the file.
    ///
    /// `inScope` is the manifests' SIMs selected by the file's scope, whose digest has
    /// already been compared with `manifestDigest`. Each SIM's steps must be exactly the
    /// path from its first step's `from` to its desired state, in the waves a fresh plan
    /// gives them; otherwise the whole file is refused.
    public func authorizedSteps(inScope: [DesiredSIM], policy: Policy, path: String) -> Result<[Step], PlanFileError> {
        let location = SourceLocation(path: path)
        let desired = Dictionary(inScope.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [String] = []
        var rebuilt: [Step] = []
        let byICC = Dictionary(grouping: plan.steps, by: \.icc)
        for icc in byICC.keys.sorted() {
            let own = byICC[icc]!.sorted { $0.wave < $1.wave }
            guard let sim = desired[icc] else {
                problems.append("\(own[0].action.rawValue) \(icc): no manifest in the plan's scope declares this ICC")
                continue
            }
            let expected: [Step]
            switch Planner.steps(for: sim, from: own[0].from, policy: policy) {
            case .success(let steps): expected = steps
            case .failure: expected = []
            }
            let shape = { (steps: [Step]) in steps.map { "\($0.action.rawValue) \($0.from.rawValue)→\($0.to.rawValue)" } }
            if shape(own) != shape(expected) {
                let listed = own.map { "\($0.action.rawValue) \(icc) (\($0.from.rawValue) → \($0.to.rawValue))" }.joined(separator: ", then ")
                problems.append("\(listed) \(own.count == 1 ? "does" : "do") not lead from \(own[0].from.rawValue) to its desired state \(sim.state.rawValue) in the manifests")
                continue
            }
            rebuilt += expected
        }
        Planner.assignWaves(&rebuilt)
        let fileWaves = Dictionary(plan.steps.map { ($0.key, $0.wave) }, uniquingKeysWith: { first, _ in first })
        for step in rebuilt where fileWaves[step.key] != step.wave {
            problems.append("\(step.action.rawValue) \(step.icc) is in wave \(fileWaves[step.key] ?? 0), but its place is wave \(step.wave)")
        }
        guard problems.isEmpty else {
            let shown = problems.prefix(Self.problemLimit).map {
                Diagnostic.error(at: location, "step \($0); plan again rather than editing the file. Nothing was sent.")
            }
            let more = problems.count > Self.problemLimit
                ? [Diagnostic.error(at: location, "and \(problems.count - Self.problemLimit) more steps like these")] : []
            return .failure(PlanFileError(shown + more))
        }
        return .success(rebuilt)
    }
}

/// Why a plan file cannot be applied: every problem found, each naming the file.
public struct PlanFileError: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
