import Planning
import Platform

/// Who last changed each asked line, from one `git log -p -U0` over the commits since a
/// base, instead of one `git blame` process per file (82 processes cost a plan over 200
/// commits a third of its time). Each asked line is followed from HEAD back through the
/// commits' hunks until one wrote it. Only what the walk can prove is answered; the rest is
/// left to git blame: a history with a merge, a file the work tree changed, a file created,
/// deleted, renamed or binary since the base, and a line older than the base.
enum LineWalk {
    /// One commit's hunks for one file, in file order: old start and count, new start and count.
    struct Hunk: Equatable {
        var oldStart: Int, oldCount: Int, newStart: Int, newCount: Int
    }

    /// For each file (relative to the top) whose every asked line the walk answers: line → commit id.
    static func lastChanges(of lines: [String: Set<Int>], since base: String, in repository: Repository) -> [String: [Int: String]] {
        let paths = lines.keys.sorted()
        guard !paths.isEmpty, BlamePorcelain.isObjectID(base) else { return [:] }
        let pathspecs = paths.map { ":(literal)" + $0 }
        // Side by side: whether the range has a merge, which files the work tree changed, and the history.
        let calls = [["rev-list", "--merges", "--max-count=1", "--end-of-options", base + "..HEAD"],
                     ["diff", "--no-ext-diff", "--no-textconv", "--name-only", "-z", "HEAD", "--"] + pathspecs,
                     ["log", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv", "-p", "-U0", "--format=%x01%H",
                      "--end-of-options", base + "..HEAD", "--"] + pathspecs]
        let outputs = Parallel.map(calls.count) { try? repository.run(calls[$0]) }
        guard let merges = outputs[0], merges.succeeded, merges.line.isEmpty, let changed = outputs[1], changed.succeeded,
              let log = outputs[2], log.succeeded else { return [:] }
        let workTreeChanged = Set(changed.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) })
        guard let history = parse(log.stdout) else { return [:] }
        var answered: [String: [Int: String]] = [:]
        for (path, asked) in lines where !workTreeChanged.contains(path) && !history.unsure.contains(path) {
            let commits = history.commits.map { (id: $0.id, hunks: $0.hunks[path] ?? []) }
            var found: [Int: String] = [:]
            for line in asked {
                guard let commit = lastChange(of: line, in: commits) else { break }
                found[line] = commit
            }
            if found.count == asked.count { answered[path] = found }
        }
        return answered
    }

    /// The commit, newest first in `commits`, whose hunks wrote `line` (numbered as the
    /// newest version has it); nil when none since the base did.
    static func lastChange(of line: Int, in commits: [(id: String, hunks: [Hunk])]) -> String? {
        var line = line
        for (id, hunks) in commits {
            var shift = 0
            for hunk in hunks {
                if hunk.newCount > 0 && (hunk.newStart..<hunk.newStart + hunk.newCount).contains(line) { return id }
                // A hunk before the line moves it by what it removed less what it added.
                let before = hunk.newCount > 0 ? hunk.newStart + hunk.newCount <= line : hunk.newStart < line
                if before { shift += hunk.oldCount - hunk.newCount }
            }
            line += shift
        }
        return nil
    }

    /// The log's commits, newest first, each with its hunks by file, and the files the walk
    /// cannot follow (created, deleted, renamed, binary, or named in a way it does not read).
    static func parse(_ bytes: [UInt8]) -> (commits: [(id: String, hunks: [String: [Hunk]])], unsure: Set<String>)? {
        var commits: [(id: String, hunks: [String: [Hunk]])] = []
        var unsure: Set<String> = []
        var file: String?
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if raw.first == 0x01 {
                let id = String(decoding: raw.dropFirst(), as: UTF8.self)
                guard BlamePorcelain.isObjectID(id) else { return nil }
                commits.append((id, [:]))
                file = nil
                continue
            }
            let line = String(decoding: raw, as: UTF8.self)
            if line.hasPrefix("diff --git ") {
                // `a/PATH b/PATH` with the same path twice: no rename (--no-renames), so the halves match.
                let names = line.dropFirst("diff --git ".count)
                guard !names.contains("\""), names.count % 2 == 1 else { return nil }
                let half = names.prefix(names.count / 2)
                guard half.hasPrefix("a/"), names.dropFirst(half.count + 1) == "b/" + half.dropFirst(2) else { return nil }
                file = String(half.dropFirst(2))
            } else if line.hasPrefix("new file mode") || line.hasPrefix("deleted file mode") || line.hasPrefix("Binary files")
                        || line.hasPrefix("rename ") || line.hasPrefix("copy ") {
                if let file { unsure.insert(file) }
            } else if line.hasPrefix("@@ -"), let file, !commits.isEmpty {
                guard let hunk = hunk(line) else { return nil }
                commits[commits.count - 1].hunks[file, default: []].append(hunk)
            }
        }
        return (commits, unsure)
    }

    /// The commits' details as blame's porcelain gives them, in one `git log`.
    static func details(_ ids: [String], in repository: Repository) -> [String: DeclaringCommit] {
        guard !ids.isEmpty,
              let output = try? repository.run(["log", "--no-walk=unsorted", "--no-mailmap", "--stdin", "--date=format:%z",
                                                "--format=%H%x09%at%x09%ad%x09%an%x09%s", "--end-of-options"],
                                               input: Array(ids.map { $0 + "\n" }.joined().utf8)),
              output.succeeded else { return [:] }
        var commits: [String: DeclaringCommit] = [:]
        for line in String(decoding: output.stdout, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, BlamePorcelain.isObjectID(fields[0]), let time = Int64(fields[1]) else { continue }
            commits[fields[0]] = DeclaringCommit(id: fields[0], author: BlamePorcelain.bounded(fields[3], 200), authorTime: time,
                                                 authorZone: String(fields[2].prefix(5)), subject: BlamePorcelain.bounded(fields[4], 500),
                                                 pullRequest: DeclaringCommit.pullRequest(inSubject: fields[4]))
        }
        return commits
    }

    /// `@@ -a[,b] +c[,d] @@`.
    static func hunk(_ line: String) -> Hunk? {
        let parts = line.split(separator: " ")
        guard parts.count >= 4, parts[0] == "@@", parts[1].hasPrefix("-"), parts[2].hasPrefix("+"), parts[3] == "@@" else { return nil }
        func range(_ text: Substring) -> (Int, Int)? {
            let numbers = text.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(numbers[0]), numbers.count <= 2 else { return nil }
            guard numbers.count == 2 else { return (start, 1) }
            return Int(numbers[1]).map { (start, $0) }
        }
        guard let old = range(parts[1]), let new = range(parts[2]) else { return nil }
        return Hunk(oldStart: old.0, oldCount: old.1, newStart: new.0, newCount: new.1)
    }
}
