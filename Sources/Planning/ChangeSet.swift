import FleetModel

/// Which SIMs differ from the manifests at a base commit, for `--changed-since`. Pure.
///
/// A SIM is changed when it is new or its resolved desired state differs: `state`,
/// `protect`, `callbackUrl` or `expect`, at the base or at any commit since. A change made
/// and undone in between still counts: an apply of the middle commit may have carried
/// out its half. A new `name`, `labels` or `note` alone needs no call to NexCon. SIMs only
/// the base declares are no longer managed and left as they are.
public struct ChangeSet: Sendable, Hashable {
    /// The SIMs to plan, in manifest order.
    public var changed: [DesiredSIM]
    /// SIMs that were in scope but are unchanged, so not checked.
    public var unchanged: Int
    public var removed: [RemovedSIM]

    /// - Parameters:
    ///   - selected: the work tree's SIMs in scope.
    ///   - declared: the ICCs the work tree's manifests declare (those of `base` suffice).
    ///   - identicalFiles: work-tree files whose bytes equal the base's at the same path.
    ///   - identicalEntries: in other work-tree files, the lines of entries the base's file
    ///     at the same path holds word for word (sorted ranges, end excluded).
    ///   - base: the base's SIMs from its other files.
    ///   - untrustedFiles: base files with errors; their SIMs cannot vouch for anything.
    ///   - history: each SIM as the manifest versions written since the base declared it.
    ///   - incompleteFiles: work-tree files with a version since the base that could not be
    ///     read; their SIMs cannot be shown unchanged.
    public static func compare(selected: [DesiredSIM], declared: Set<ICC>, identicalFiles: Set<String>,
                               identicalEntries: [String: [Range<Int>]] = [:], base: [DesiredSIM], untrustedFiles: Set<String>, history: SIMVersions = SIMVersions(),
                               incompleteFiles: Set<String> = []) -> ChangeSet {
        var before: [ICC: DesiredSIM] = [:]
        before.reserveCapacity(base.count)
        for sim in base where !untrustedFiles.contains(sim.location.path) { before[sim.icc] = sim }
        var changed: [DesiredSIM] = []
        // What is known of each file, looked up once per file: SIMs come file by file.
        var file: (path: String, identical: Bool, entries: [Range<Int>]?, incomplete: Bool)?
        for sim in selected {
            let path = sim.location.path
            if file?.path != path {
                file = (path, identicalFiles.contains(path), identicalEntries[path], incompleteFiles.contains(path))
            }
            let known = file!
            let atBase = known.identical || known.entries.map { Self.contains($0, sim.location.line) } == true
                || before[sim.icc].map { sameDesiredState($0, sim) } == true
            if !atBase || !history.allMatch(sim) || known.incomplete { changed.append(sim) }
        }
        var seen: Set<ICC> = []
        let removed = base.filter { !declared.contains($0.icc) && seen.insert($0.icc).inserted }
            .map { RemovedSIM(icc: $0.icc, name: $0.name, location: $0.location) }
            .sorted { $0.icc < $1.icc }
        return ChangeSet(changed: changed, unchanged: selected.count - changed.count, removed: removed)
    }

    /// Whether sorted, disjoint `ranges` hold `line`.
    public static func contains(_ ranges: [Range<Int>], _ line: Int) -> Bool {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound <= line { low = middle + 1 } else { high = middle }
        }
        return low < ranges.count && ranges[low].contains(line)
    }

    /// What a call to NexCon could act on, or a plan check: everything but names, labels and notes.
    public static func sameDesiredState(_ a: DesiredSIM, _ b: DesiredSIM) -> Bool {
        a.state == b.state && a.protect == b.protect && a.callbackURL == b.callbackURL && a.expect == b.expect
    }
}

/// Each SIM's desired states across many manifest versions, kept small: the first version
/// seen, and whether any later one differed from it.
public struct SIMVersions: Sendable {
    private var first: [ICC: DesiredSIM] = [:]
    private var disagreeing: Set<ICC> = []

    public init() {}

    public init(_ sims: [DesiredSIM]) {
        for sim in sims { add(sim) }
    }

    public mutating func add(_ sim: DesiredSIM) {
        if let seen = first[sim.icc] {
            if !disagreeing.contains(sim.icc) && !ChangeSet.sameDesiredState(seen, sim) { disagreeing.insert(sim.icc) }
        } else {
            first[sim.icc] = sim
        }
    }

    /// Whether every version of `sim` (none is fine) has its desired state.
    public func allMatch(_ sim: DesiredSIM) -> Bool {
        guard let seen = first[sim.icc] else { return true }
        return !disagreeing.contains(sim.icc) && ChangeSet.sameDesiredState(seen, sim)
    }
}

/// A SIM the base commit's manifests declared and the work tree's do not.
public struct RemovedSIM: Sendable, Hashable {
    public var icc: ICC
    public var name: String?
    /// Where the base declared it, as a path relative to where simfleet ran.
    public var location: SourceLocation

    public init(icc: ICC, name: String?, location: SourceLocation) {
        self.icc = icc
        self.name = name
        self.location = location
    }
}
