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
/// it was made from. The value and its format version live here; writing, reading with
/// every check, and the binding to the manifests have a file each (`PlanFile+Encoding`,
/// `PlanFile+Decoding`, `PlanFile+Authorization`).
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
}

/// Why a plan file cannot be applied: every problem found, each naming the file.
public struct PlanFileError: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
