import FleetModel
import Foundation
import Planning
import Platform

/// Who declared each SIM's desired state: `git blame --porcelain` once per manifest file
/// that holds an explained SIM (only its deciding lines, with `-L`), files several at a
/// time, and one `git log` per distinct commit whose subject names no pull request, to
/// find the merge that brought it in.
public enum Blame {
    /// Files blamed at once: git is mostly waiting on the disk, so more than the cores.
    /// More ranges than this and the whole file is blamed instead.
    static let maximumRanges = 256
    /// Distinct commits looked up for the merge that names their pull request, at most.
    static let maximumMergeLookups = 64

    /// The declarations of `lines` (each SIM's deciding line), or why there are none. git
    /// runs on the repository that holds `folder` (where simfleet was started), hardened
    /// (`Repository`); a manifest outside it names no commit. With `base` (the merge-base
    /// of `--changed-since`), lines written since it are found by one walk of the history
    /// (`LineWalk`), and only the rest by git blame.
    public static func explain(_ lines: [ICC: SourceLocation], from folder: String = FileManager.default.currentDirectoryPath,
                               environment: [String: String] = ProcessInfo.processInfo.environment, since base: String? = nil) async -> Explanations {
        guard !lines.isEmpty else { return .none }
        let repository: Repository
        do {
            repository = try Repository.discover(from: folder, environment: environment)
        } catch .gitNotFound {
            return Explanations(unavailable: "git is not on PATH, so no step names the commit that declared it")
        } catch {
            return Explanations(unavailable: "the manifests are not in a git work tree, so no step names the commit that declared it")
        }
        let byFile = Dictionary(grouping: lines, by: { $0.value.path })
        let files = byFile.keys.sorted()
        let paths = files.map { repository.relativePath(of: $0) }
        let tracked = trackedFiles(paths.compactMap { $0 }, in: repository)
        let asked = Dictionary(zip(files, paths).compactMap { file, path in
            path.flatMap { tracked.contains($0) ? ($0, Set(byFile[file]!.map(\.value.line))) : nil }
        }, uniquingKeysWith: { $0.union($1) })
        let walked = await Blocking.result { () throws(Never) in
            base.map { LineWalk.lastChanges(of: asked, since: $0, in: repository) } ?? [:]
        }.get()
        let walkedCommits = LineWalk.details(Array(Set(walked.values.flatMap(\.values))).sorted(), in: repository)
        let results = await concurrently(Array(zip(files, paths))) { file, path -> Result<[Int: DeclaringCommit?], BlameFailure> in
            let lines = Set(byFile[file]!.map(\.value.line))
            guard let path else {
                return .failure(BlameFailure(description: "outside the git work tree at \(repository.top)", notAWorkTree: true))
            }
            // A file git does not track (new, or never committed): nothing in it is committed.
            guard tracked.contains(path) else { return .success(Dictionary(uniqueKeysWithValues: lines.map { ($0, nil) })) }
            if let found = walked[path], found.values.allSatisfy({ walkedCommits[$0] != nil }) {
                return .success(found.mapValues { walkedCommits[$0] })
            }
            return blame(path: path, lines: lines, in: repository)
        }
        var declared: [ICC: Declaration] = [:]
        var problems: [String] = []
        var commits: [String: DeclaringCommit] = [:]
        // Every file outside the work tree: said once, as the plan's only word on it.
        if results.allSatisfy({ if case .failure(let problem) = $0 { problem.notAWorkTree } else { false } }) {
            return Explanations(unavailable: "the manifests are outside the git work tree simfleet runs in (\(repository.top)), so no step names the commit that declared it; run simfleet from the manifests' clone")
        }
        for (file, result) in zip(files, results) {
            switch result {
            case .failure(let problem): problems.append("\(file): \(problem.description)")
            case .success(let found):
                for (icc, location) in byFile[file]! {
                    guard let origin = found[location.line] else { continue }
                    declared[icc] = Declaration(line: location, commit: origin)
                    if let origin { commits[origin.id] = origin }
                }
            }
        }
        // Authors as the commits record them: blame's names pass through a .mailmap, which
        // the pull request itself could add. The walk's commits were read without it already.
        let authors = recordedAuthors(commits.keys.filter { walkedCommits[$0] == nil }, in: repository)
        // A merge commit's subject names the pull request a plain commit's may not. The walk
        // answered only where no merge came since the base, so its commits need no lookup.
        let unnumbered = commits.values.filter { $0.pullRequest == nil && walkedCommits[$0.id] == nil }.map(\.id).sorted().prefix(maximumMergeLookups)
        let lookups = anyMergeSince(Array(unnumbered), in: repository) ? Array(unnumbered) : []
        let found = await concurrently(Array(lookups)) { id in mergedPullRequest(id, in: repository) }
        let numbers = Dictionary(zip(lookups, found).compactMap { id, number in number.map { (id, $0) } }, uniquingKeysWith: { a, _ in a })
        for (icc, declaration) in declared {
            guard let id = declaration.commit?.id else { continue }
            if let number = numbers[id] { declared[icc]?.commit?.pullRequest = number }
            if let author = authors[id] { declared[icc]?.commit?.author = author }
        }
        let unavailable = problems.isEmpty ? nil
            : "git blame failed, so these files' steps name no commit: " + problems.prefix(5).joined(separator: "; ")
                + (problems.count > 5 ? "; and \(problems.count - 5) more" : "")
        return Explanations(declared: declared, unavailable: unavailable)
    }

    /// The paths among `paths` (relative to the top) that git tracks, in one `git ls-files`.
    static func trackedFiles(_ paths: [String], in repository: Repository) -> Set<String> {
        guard !paths.isEmpty,
              let output = try? repository.run(["ls-files", "-z", "--"] + paths.map { ":(literal)" + $0 }),
              output.succeeded else { return [] }
        return Set(output.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
    }

    /// The commits that wrote `lines` of the tracked file at `path` (relative to the top);
    /// nil for a line not committed.
    static func blame(path: String, lines: Set<Int>, in repository: Repository) -> Result<[Int: DeclaringCommit?], BlameFailure> {
        let ranges = self.ranges(lines)
        var arguments = ["blame", "--porcelain", "--no-textconv"]
        if ranges.count <= maximumRanges {
            for range in ranges { arguments += ["-L", "\(range.lowerBound),\(range.upperBound)"] }
        }
        arguments += ["--", path]
        let output: Git.Output
        do {
            output = try repository.run(arguments)
        } catch {
            return .failure(BlameFailure(description: error.description))
        }
        guard output.succeeded else {
            // A repository without a commit yet: nothing is committed.
            if !((try? repository.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]))?.succeeded ?? true) {
                return .success(Dictionary(uniqueKeysWithValues: lines.map { ($0, nil) }))
            }
            let reason = output.stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? "exit status \(output.status)"
            return .failure(BlameFailure(description: String(reason.prefix(300))))
        }
        var found = BlamePorcelain.parse(output.stdout)
        for line in lines where found[line] == nil { found[line] = .some(nil) }
        return .success(found.filter { lines.contains($0.key) })
    }

    struct BlameFailure: Error {
        var description: String
        var notAWorkTree = false
    }

    /// Each commit's author name as the commit records it, never through a `.mailmap`.
    static func recordedAuthors(_ ids: [String], in repository: Repository) -> [String: String] {
        guard !ids.isEmpty,
              let output = try? repository.run(["log", "--no-walk=unsorted", "--no-mailmap", "--stdin", "--format=%H%x09%an", "--end-of-options"],
                                               input: Array(ids.map { $0 + "\n" }.joined().utf8)),
              output.succeeded else { return [:] }
        var authors: [String: String] = [:]
        for line in String(decoding: output.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            if fields.count == 2, BlamePorcelain.isObjectID(String(fields[0])) {
                authors[String(fields[0])] = BlamePorcelain.bounded(String(fields[1]), 200)
            }
        }
        return authors
    }

    /// Whether HEAD has a merge commit that any of `ids` is older than: two git calls that
    /// spare one lookup per commit in a history without merges (squash or rebase merging).
    /// The union of the ranges `id..HEAD` is `base..HEAD`, `base` being the ids' common
    /// ancestors (`git merge-base --octopus`). Unsure means yes.
    static func anyMergeSince(_ ids: [String], in repository: Repository) -> Bool {
        guard !ids.isEmpty else { return false }
        guard let base = try? repository.run(["merge-base", "--octopus", "--end-of-options"] + ids), base.succeeded,
              BlamePorcelain.isObjectID(base.line) else { return true }
        guard let merges = try? repository.run(["rev-list", "--merges", "--max-count=1", "--end-of-options", base.line + "..HEAD"]),
              merges.succeeded else { return true }
        return !merges.line.isEmpty
    }

    /// The pull request of the oldest merge between `id` and HEAD whose subject names one.
    static func mergedPullRequest(_ id: String, in repository: Repository) -> Int? {
        guard let output = try? repository.run(["log", "--no-textconv", "--no-ext-diff", "--ancestry-path", "--merges", "--reverse",
                                                "--format=%s", "--end-of-options", "\(id)..HEAD"]),
              output.succeeded else { return nil }
        for line in String(decoding: output.stdout, as: UTF8.self).split(whereSeparator: \.isNewline) {
            if line.hasPrefix("Merge pull request #"), let number = DeclaringCommit.pullRequest(inSubject: String(line)) { return number }
        }
        return nil
    }

    /// Sorted line numbers as closed ranges of consecutive lines.
    static func ranges(_ lines: Set<Int>) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        for line in lines.sorted() where line > 0 {
            if let last = ranges.last, last.upperBound + 1 == line {
                ranges[ranges.count - 1] = last.lowerBound...line
            } else {
                ranges.append(line...line)
            }
        }
        return ranges
    }

    /// `work` for each item off the cooperative pool (`Blocking`: git blocks while it
    /// runs); results in the items' order.
    static func concurrently<Item: Sendable, Value: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) -> Value) async -> [Value] {
        await withTaskGroup(of: (Int, Value).self) { group in
            for (index, item) in items.enumerated() {
                group.addTask { (index, await Blocking.result { () throws(Never) -> Value in work(item) }.get()) }
            }
            var values = [Value?](repeating: nil, count: items.count)
            for await (index, value) in group { values[index] = value }
            return values.map { $0! }
        }
    }
}

/// `git blame --porcelain`'s output: a header per group of lines (`<id> <orig> <final>
/// [<count>]`), the commit's fields the first time it appears, then each line's text
/// behind a tab.
enum BlamePorcelain {
    static let uncommitted = String(repeating: "0", count: 40)

    /// Each final line number's commit; nil for a line not committed.
    static func parse(_ bytes: [UInt8]) -> [Int: DeclaringCommit?] {
        var commits: [String: DeclaringCommit] = [:]
        var lines: [Int: String] = [:]
        var current: String?
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if raw.first == UInt8(ascii: "\t") { continue }
            let line = String(decoding: raw, as: UTF8.self)
            let fields = line.split(separator: " ", maxSplits: 1)
            guard let key = fields.first.map(String.init) else { continue }
            let value = fields.count > 1 ? String(fields[1]) : ""
            if isObjectID(key) {
                let numbers = value.split(separator: " ")
                guard numbers.count >= 2, let final = Int(numbers[1]) else { continue }
                current = key
                lines[final] = key
                if commits[key] == nil { commits[key] = DeclaringCommit(id: key, author: "", authorTime: 0, authorZone: "+0000", subject: "") }
                continue
            }
            guard let id = current else { continue }
            switch key {
            case "author": commits[id]?.author = bounded(value, 200)
            case "author-time": commits[id]?.authorTime = Int64(value) ?? 0
            case "author-tz": commits[id]?.authorZone = String(value.prefix(5))
            case "summary":
                commits[id]?.subject = bounded(value, 500)
                commits[id]?.pullRequest = DeclaringCommit.pullRequest(inSubject: value)
            default: break
            }
        }
        return lines.mapValues { id in id.allSatisfy { $0 == "0" } ? nil : commits[id] }
    }

    static func isObjectID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func bounded(_ text: String, _ limit: Int) -> String {
        String(text.prefix(limit))
    }
}
