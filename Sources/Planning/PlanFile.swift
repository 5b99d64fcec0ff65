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
}

/// Where a planned SIM's change comes from, relative to a pull request.
public enum ChangeOrigin: Sendable, Hashable {
    /// A commit of the pull request, or the work tree.
    case pullRequest
    /// A commit already on the base branch, after the last apply, not yet applied.
    case mergedEarlier(commit: String, subject: String)
    /// No commit changed the SIM's desired state: the live state differs from main's (a
    /// settings change brought it into the plan, or it drifted).
    case drift
}

/// Where live statuses came from, stated in every rendering of a plan.
public struct PlanTarget: Sendable, Hashable {
    /// `declared`: no live status was read (`plan --offline`); such a plan is never applied.
    public enum Kind: String, Sendable, Hashable { case api, simulator, declared }
    public var kind: Kind
    public var url: String

    public init(kind: Kind, url: String) {
        self.kind = kind
        self.url = url
    }

    /// A declared-only plan's target: nothing was asked of NexCon.
    public static let declaredOnly = PlanTarget(kind: .declared, url: "")
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
    /// and `ManifestDigest`'s own canonical form (version 1). 5: each step's and SIM's
    /// `declared` (where its desired state was written) and each step's `policy` verdicts.
    public static let formatVersion = 5
    /// Larger files are refused unread.
    public static let maximumSize = 512 * 1024 * 1024

    public var simfleetVersion: String
    public var target: PlanTarget
    /// SHA-256 of the resolved desired state of the SIMs in scope (`ManifestDigest`).
    public var manifestDigest: String
    /// The same digest for each manifest file's SIMs in scope, by path (empty in files from
    /// before it was recorded): a stale plan names the files that changed.
    public var fileDigests: [String: String] = [:]
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
