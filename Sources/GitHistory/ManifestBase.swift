import FleetModel
import Foundation
import Manifests
import Planning
import Platform

/// The manifests as they were at the merge-base of a ref and HEAD, and at every commit
/// since, read through git without touching the work tree: the other side of
/// `--changed-since`.
///
/// Only what can differ is decoded. A manifest file whose bytes at the merge-base equal
/// the work tree's, at the same path, and that no commit since touched, declares the
/// same SIMs in the same resolved state (defaults live in the file), so it is named in
/// `identicalFiles` and not parsed again. Every version a commit since the merge-base
/// wrote is decoded once, so a change made and undone between the two ends (restore a
/// SIM, then block it again) is still seen: an apply may have carried out the first half.
public struct ManifestBase: Sendable {
    /// The ref as given, and the commit it and HEAD share (full object id).
    public var ref: String
    public var mergeBase: String
    /// Work-tree manifest files unchanged since the merge-base, spelled as git spells them
    /// from the current folder (`identicalFiles(among:)` gives the loader's spelling).
    public var identicalFiles: Set<String>
    /// In the other work-tree files, the entries (their lines) the merge-base's file at the
    /// same path holds word for word, with the same surroundings: unchanged, not decoded.
    public var identicalEntries: [String: [Range<Int>]] = [:]
    /// The merge-base's other manifest files, decoded: changed, moved away or deleted since;
    /// of a file compared by entry, only the entries the work tree no longer holds.
    public var changedFiles: ManifestSet
    /// Every SIM as the manifest versions written by commits after the merge-base declared
    /// it. Versions byte for byte equal to the work tree's file at their path add nothing
    /// and are not decoded.
    public var history: SIMVersions
    /// The commits after the merge-base up to HEAD that touched the manifests or the
    /// settings, newest first.
    public var commits: [ManifestCommit]
    /// Each manifest version the commits wrote, by object id, for `origins` to decode.
    private var versions: Versions
    /// Why the settings file counts as changed (a commit since the merge-base touched it, or
    /// the work tree's differs), or nil.
    public var settingsChange: String?
    /// Paths (git's spelling) with a version since the merge-base too large to read: their
    /// SIMs cannot be shown unchanged.
    public var incompleteFiles: Set<String> = []
    /// The settings file as the merge-base has it (nil: it had none), to say what changed.
    public var baseSettings: [UInt8]?

    /// Commits since the merge-base that touch the manifests, at most: a longer history is
    /// an error (move the tag forward, or plan in full).
    public static let maximumCommits = 10_000
    /// Manifest bytes read from the history, at most.
    public static let maximumHistoryBytes = 1 << 30

    /// Resolves `ref`, finds its merge-base with HEAD and reads the manifests there.
    /// It needs nothing the loader decoded, so it runs beside the work tree's decoding.
    /// `settingsPath` is the settings file (`simfleet.yaml`) whose changes widen the plan.
    public static func read(ref: String, paths: [String], settingsPath: String?, maximumFileSize: Int,
                            from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> ManifestBase {
        let git = try Repository.discover(from: folder)
        try checkWorkTree(git, paths: paths)
        let resolved = try git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"])
        guard resolved.succeeded, !resolved.line.isEmpty else { throw .unknownRef(ref) }
        let base = try git.run(["merge-base", "--end-of-options", resolved.line, "HEAD"])
        guard base.succeeded, !base.line.isEmpty else {
            let shallow = try git.run(["rev-parse", "--is-shallow-repository"])
            throw shallow.line == "true" ? .shallow(ref) : .unrelated(ref)
        }
        return try read(ref: ref, commit: base.line, git: git, paths: paths, settingsPath: settingsPath,
                        maximumFileSize: maximumFileSize)
    }

    /// The manifests at a commit already chosen, as a saved plan records it.
    public static func read(ref: String, mergeBase: String, paths: [String], settingsPath: String?, maximumFileSize: Int,
                            from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> ManifestBase {
        let git = try Repository.discover(from: folder)
        try checkWorkTree(git, paths: paths)
        let isObjectID = mergeBase.utf8.count >= 40 && mergeBase.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard isObjectID, try git.run(["cat-file", "-e", "--end-of-options", mergeBase + "^{commit}"]).succeeded else {
            throw GitError("the plan compares with commit \(mergeBase), which this clone does not have; fetch the whole history (fetch-depth: 0) or plan again")
        }
        return try read(ref: ref, commit: mergeBase, git: git, paths: paths, settingsPath: settingsPath,
                        maximumFileSize: maximumFileSize)
    }

    private static func checkWorkTree(_ git: Repository, paths: [String]) throws(GitError) {
        for path in paths {
            guard let real = realPath(path), PathName.isInside(real, git.top) else { throw .outside(path, top: git.top) }
        }
    }

    /// The settings file as git should name it, when it lies inside the work tree (it need
    /// not exist: a file added or deleted since the base is a change too).
    private static func trackedSettingsPath(_ path: String?, git: Repository) -> String? {
        guard let path else { return nil }
        guard let folder = realPath(PathName.parent(of: path)), PathName.isInside(folder, git.top) else { return nil }
        return normalized(path)
    }

    private static func read(ref: String, commit: String, git: Repository, paths: [String], settingsPath: String?,
                             maximumFileSize: Int) throws(GitError) -> ManifestBase {
        let roots = paths.map(normalized)
        let settings = trackedSettingsPath(settingsPath, git: git)
        let pathspecs = (roots + (settings.map { [$0] } ?? [])).map(git.pathspec)
        // git runs at the top; paths come back spelled from the current folder, as the work tree's files are.
        let listing = try git.run(["ls-tree", "-r", "-z", "-l", "--full-tree", "--end-of-options", commit, "--"] + pathspecs)
        guard listing.succeeded else {
            throw .gitFailed("git ls-tree failed at \(commit.prefix(12)): \(listing.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let entries = manifestEntries(listing.stdout, roots: roots, limit: maximumFileSize, prefix: git.prefix)
        let settingsEntry = settings.flatMap { name in
            manifestEntries(listing.stdout, roots: [name], limit: maximumFileSize, prefix: git.prefix).first { $0.path == name }
        }
        let log = try commitsSince(commit, git: git, pathspecs: pathspecs)
        let touched = Set(log.flatMap { $0.changes.map(\.path) })
        // Every manifest version written since the base, old and new side of each change, once.
        var historyObjects: [String] = []
        var seenObjects: Set<String> = []
        for change in log.flatMap(\.changes) where isManifestPath(change.path, roots: roots) {
            for object in [change.old, change.new] where object != nil && seenObjects.insert(object!).inserted {
                historyObjects.append(object!)
            }
        }
        // Sizes first: a version over the file limit is not read, and its path's SIMs count as changed.
        let sizes = try blobSizes(historyObjects + entries.map(\.object), git: git)
        let paths = historyPaths(log)
        let incomplete = Set(historyObjects.filter { (sizes[$0] ?? .max) > maximumFileSize }.compactMap { paths[$0] })
        historyObjects.removeAll { (sizes[$0] ?? .max) > maximumFileSize }
        guard historyObjects.reduce(0, { $0 + (sizes[$1] ?? 0) }) <= maximumHistoryBytes else {
            throw GitError("--changed-since \(ref): the manifests' versions since \(commit.prefix(7)) add up to more than \(maximumHistoryBytes >> 30) GiB; move the tag forward with a full apply, or plan without --changed-since")
        }
        let baseObjects = entries.map(\.object)
        let wanted = baseObjects + historyObjects + (settingsEntry.map { [$0.object] } ?? [])
        // Room for the whole answer at once: each blob's bytes and a header line.
        let contents = try blobs(wanted, git: git, expected: wanted.reduce(0) { $0 + (sizes[$1] ?? 0) + 64 })
        var workTree: [String: [UInt8]] = [:]
        func workTreeBytes(_ path: String) -> [UInt8]? {
            if let bytes = workTree[path] { return bytes }
            guard let bytes = readRegularFile(path, limit: maximumFileSize) else { return nil }
            workTree[path] = bytes
            return bytes
        }
        var identical: Set<String> = []
        var sources: [ManifestSource] = []
        for (entry, bytes) in zip(entries, contents) {
            if !touched.contains(entry.path), workTreeBytes(entry.path)?.elementsEqual(bytes) == true {
                identical.insert(entry.path)
            } else {
                sources.append(ManifestSource(path: entry.path, bytes: Array(bytes)))
            }
        }
        var versions = Versions(contents: Dictionary(zip(historyObjects, contents[baseObjects.count..<(baseObjects.count + historyObjects.count)]),
                                                    uniquingKeysWith: { first, _ in first }),
                                paths: paths)
        // A version equal to the work tree's file at its path declares what the work tree
        // does, and one the merge-base holds is compared as the base already.
        let atBase = Set(baseObjects)
        let informative = historyObjects.filter { object in
            !atBase.contains(object) && versions.paths[object].map { path in
                versions.contents[object].map { workTreeBytes(path)?.elementsEqual($0) != true } ?? true
            } ?? true
        }
        // The base's files compared with the work tree's entry by entry: only the entries
        // the work tree no longer holds are decoded; a file that cannot be compared so is
        // decoded whole.
        let work = sources.map { workTreeBytes($0.path) }
        let differences = Parallel.map(sources.count) { ManifestVersions.difference(base: (sources[$0].path, sources[$0].bytes), work: work[$0]) }
        var partial: [ManifestFile] = []
        var identicalEntries: [String: [Range<Int>]] = [:]
        for (source, difference) in zip(sources, differences) {
            guard let difference else { continue }
            partial.append(ManifestFile(path: source.path, sims: difference.sims, diagnostics: []))
            identicalEntries[source.path] = difference.identicalLines
        }
        let decoded = ManifestLoader.decodeEach(zip(sources, differences).filter { $0.1 == nil }.map(\.0))
        // The versions since, in proportion to what each changed: an entry the work tree
        // holds, or an earlier version, is not parsed again. Only each SIM's first version
        // and whether later ones differ are kept.
        let versionPaths = Set(informative.compactMap { versions.paths[$0] })
        versions.entries.workTree(Set(sources.map(\.path)).union(versionPaths).sorted().compactMap { path in workTreeBytes(path).map { (path, $0) } })
        var history = SIMVersions()
        for sim in versions.entries.distinctSIMs(of: informative.map { (versions.paths[$0] ?? "", versions.contents[$0]!) }) {
            history.add(sim)
        }
        var settingsChange: String?
        if let settings {
            if let touching = log.first(where: { $0.changes.contains { $0.path == settings } }) {
                settingsChange = "\(settings) changed in \(touching.id.prefix(7))"
            } else if (settingsEntry.map { _ in Array(contents.last!) }) != readRegularFile(settings, limit: maximumFileSize) {
                settingsChange = "\(settings) differs from \(commit.prefix(7)) in the work tree"
            }
        }
        let commits = log.map { commit in
            ManifestCommit(id: commit.id, parents: commit.parents, subject: commit.subject,
                           changes: commit.changes.filter { isManifestPath($0.path, roots: roots) })
        }
        return ManifestBase(ref: ref, mergeBase: commit, identicalFiles: identical, identicalEntries: identicalEntries,
                            changedFiles: ManifestLoader.assemble(decoded + partial),
                            history: history, commits: commits, versions: versions, settingsChange: settingsChange,
                            incompleteFiles: incomplete, baseSettings: settingsEntry.map { _ in Array(contents.last!) })
    }

    /// The loader's `files` that are unchanged since the merge-base, as the loader spells them.
    public func identicalFiles(among files: [String]) -> Set<String> {
        Set(files.filter { identicalFiles.contains(Self.relativeToCurrentFolder(Self.normalized($0))) })
    }

    /// `identicalEntries` for the loader's `files`, as the loader spells them.
    public func identicalEntries(among files: [String]) -> [String: [Range<Int>]] {
        var found: [String: [Range<Int>]] = [:]
        for file in files {
            if let lines = identicalEntries[Self.relativeToCurrentFolder(Self.normalized(file))] { found[file] = lines }
        }
        return found
    }

    /// The loader's `files` whose history could not be read whole, as the loader spells them.
    public func incompleteFiles(among files: [String]) -> Set<String> {
        Set(files.filter { incompleteFiles.contains(Self.relativeToCurrentFolder(Self.normalized($0))) })
    }

    /// The commits HEAD has that `ref` does not (`git rev-list REF..HEAD`): a pull request's
    /// own commits, its merge commit included, when `ref` is the branch it goes into.
    public static func commitsNotIn(_ ref: String, from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> Set<String> {
        let git = try Repository.discover(from: folder)
        let resolved = try git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"])
        guard resolved.succeeded, !resolved.line.isEmpty else {
            throw GitError("--pull-request-base \(ref): no commit by that name; check the spelling, and fetch it first (e.g. git fetch origin main)")
        }
        let list = try git.run(["rev-list", "--end-of-options", resolved.line + "..HEAD"])
        guard list.succeeded else { throw .gitFailed("git rev-list failed: \(list.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        return Set(String(decoding: list.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init))
    }

    /// Where each SIM's change comes from: the newest commit of the pull request that
    /// changed it, else the newest commit before it (merged earlier, not applied yet).
    /// A SIM no commit changed is the pull request's when its desired state changed (in the
    /// work tree), and drift otherwise (a settings change brought it into the plan).
    public mutating func origins(of iccs: [ICC], pullRequestCommits: Set<String>, desiredChanged: Set<ICC>) -> [ICC: ChangeOrigin] {
        versions.decode(commits.flatMap { $0.changes.flatMap { [$0.old, $0.new] } }.compactMap { $0 })
        let changed = commits.map { Self.changedICCs($0.changes, versions: versions.decoded) }
        var origins: [ICC: ChangeOrigin] = [:]
        for icc in iccs {
            let touching = zip(commits, changed).filter { $0.1.contains(icc) }.map(\.0)
            if touching.isEmpty && !desiredChanged.contains(icc) {
                origins[icc] = .drift
            } else if touching.isEmpty || touching.contains(where: { pullRequestCommits.contains($0.id) }) {
                origins[icc] = .pullRequest
            } else if let newest = touching.first {
                origins[icc] = .mergedEarlier(commit: newest.id, subject: newest.subject)
            }
        }
        return origins
    }

    /// One commit of `git log --raw` and the files it changed against its first parent.
    struct LoggedCommit: Equatable {
        var id: String
        var parents: [String]
        var subject: String
        var changes: [Change]
    }

    /// A file a commit changed: the blob before and after (nil where there was none, or
    /// where it is no regular file: a link or a submodule).
    struct Change: Hashable, Sendable {
        var path: String
        var old: String?
        var new: String?
    }

    /// The path each history blob was written at (the first one seen), for its diagnostics and locations.
    private static func historyPaths(_ log: [LoggedCommit]) -> [String: String] {
        var paths: [String: String] = [:]
        for change in log.flatMap(\.changes) {
            for object in [change.old, change.new] { if let object, paths[object] == nil { paths[object] = change.path } }
        }
        return paths
    }

    /// The ICCs whose resolved desired state a commit changed, across all the files it
    /// touched: an entry moved between files unchanged is not a change.
    private static func changedICCs(_ changes: [Change], versions: [String: [DesiredSIM]]) -> Set<ICC> {
        var before: [ICC: DesiredSIM] = [:], after: [ICC: DesiredSIM] = [:]
        for change in changes {
            for sim in change.old.flatMap({ versions[$0] }) ?? [] { before[sim.icc] = sim }
            for sim in change.new.flatMap({ versions[$0] }) ?? [] { after[sim.icc] = sim }
        }
        var changed: Set<ICC> = []
        for (icc, sim) in after where before[icc].map({ !ChangeSet.sameDesiredState($0, sim) }) ?? true { changed.insert(icc) }
        for icc in before.keys where after[icc] == nil { changed.insert(icc) }
        return changed
    }

    /// Whether a path from `git log` is a manifest under `roots`, by the loader's rules.
    static func isManifestPath(_ path: String, roots: [String]) -> Bool {
        if roots.contains(path) { return true }
        guard let root = roots.first(where: { $0 == "." || path.hasPrefix($0 + "/") }) else { return false }
        let inside = root == "." ? path : String(path.dropFirst(root.count + 1))
        let components = inside.split(separator: "/")
        return !components.contains(where: { $0.hasPrefix(".") }) && ManifestLoader.isManifestName(String(components.last ?? ""))
    }

    struct Entry: Equatable {
        var object: String
        var path: String
    }

    /// The manifest files a `git ls-tree -r -z -l` listing holds for `roots`, by the
    /// loader's rules: a root named directly is a manifest whatever its name; under a
    /// folder, `*.yaml` and `*.yml` files outside hidden folders. Links, submodules, names
    /// that are not UTF-8 and files over the size limit are left out, so their SIMs
    /// count as changed.
    static func manifestEntries(_ listing: [UInt8], roots: [String], limit: Int, prefix: String = "") -> [Entry] {
        var entries: [Entry] = []
        for record in listing.split(separator: 0) {
            guard let tab = record.firstIndex(of: 0x09),
                  let fromTop = String(validating: record[(tab + 1)...], as: UTF8.self)
            else { continue }
            let path = spelledFromCurrentFolder(fromTop, prefix: prefix)
            let fields = record[..<tab].split(separator: 0x20, omittingEmptySubsequences: true)
            guard fields.count == 4, fields[0].elementsEqual("100644".utf8) || fields[0].elementsEqual("100755".utf8),
                  fields[1].elementsEqual("blob".utf8),
                  let size = Int(String(decoding: fields[3], as: UTF8.self)), size <= limit
            else { continue }
            guard isManifestPath(path, roots: roots) else { continue }
            entries.append(Entry(object: String(decoding: fields[2], as: UTF8.self), path: path))
        }
        return entries
    }

    /// Every blob's bytes, in one `git cat-file --batch`.
    /// Each object's bytes, as slices of git's one answer: 60 MB of versions are read once
    /// and never copied.
    static func blobs(_ objects: [String], git: Repository, expected: Int = 0) throws(GitError) -> [ArraySlice<UInt8>] {
        guard !objects.isEmpty else { return [] }
        // The base's manifests and every version since: up to the history's bound and the base's files.
        let output = try git.run(["cat-file", "--batch"], input: Array(objects.map { $0 + "\n" }.joined().utf8),
                                 outputLimit: maximumHistoryBytes + Int(UInt32.max), expectedOutput: expected)
        guard output.succeeded else { throw .gitFailed("git cat-file failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        let bytes = output.stdout
        for object in objects {
            // "<object> blob <size>\n<bytes>\n"
            guard let newline = bytes[index...].firstIndex(of: 0x0A) else { throw .gitFailed("git cat-file's answer ended early at \(object)") }
            let header = bytes[index..<newline].split(separator: 0x20)
            guard header.count == 3, header[1].elementsEqual("blob".utf8),
                  let size = Int(String(decoding: header[2], as: UTF8.self)), newline + 1 + size < bytes.count + 1
            else { throw .gitFailed("git cat-file gave no blob for \(object)") }
            result.append(bytes[(newline + 1)..<(newline + 1 + size)])
            index = newline + 1 + size + 1
        }
        return result
    }

    /// `./manifests//a.yaml` → `manifests/a.yaml`, `a/../b` → `b`: how git spells a path.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// git lists files relative to the current folder, even for absolute pathspecs.
    static func relativeToCurrentFolder(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let folder = FileManager.default.currentDirectoryPath
        for prefix in [folder, realPath(folder) ?? folder] where path.hasPrefix(prefix + "/") {
            return String(path.dropFirst(prefix.count + 1))
        }
        return path
    }

    static func realPath(_ path: String) -> String? {
        PathName.real(path)
    }

    /// The work tree's file, if it is still a regular file within the limit.
    static func readRegularFile(_ path: String, limit: Int) -> [UInt8]? {
        try? RegularFile.read(path, limit: limit).get()
    }
}

/// A commit after `--changed-since`'s base that touched the manifests or the settings.
public struct ManifestCommit: Sendable, Hashable {
    public var id: String
    public var parents: [String]
    public var subject: String
    /// The manifest files it changed, blob before and after.
    var changes: [ManifestBase.Change]
}

/// Manifest versions by object id: their bytes, the path each was written at, and those
/// decoded so far (each once, on every core).
struct Versions: Sendable {
    /// Each version's bytes, a slice of git's one answer (never copied out of it).
    var contents: [String: ArraySlice<UInt8>]
    var paths: [String: String]
    /// Each version's SIMs; only their desired states are for use.
    var decoded: [String: [DesiredSIM]] = [:]
    /// The entries decoded so far, shared by every version.
    var entries = ManifestVersions()

    mutating func decode(_ objects: [String]) {
        var seen: Set<String> = []
        let missing = objects.filter { decoded[$0] == nil && contents[$0] != nil && seen.insert($0).inserted }
        let sims = entries.sims(of: missing.map { (paths[$0] ?? "", contents[$0]!) })
        for (object, found) in zip(missing, sims) { decoded[object] = found }
    }
}
