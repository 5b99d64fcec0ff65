import FleetModel
import Foundation
import Manifests
import Planning
import Platform

/// The git plumbing the history is read with: one log, blob sizes, blobs.
extension ManifestBase {
    /// Every commit after `base` up to HEAD that touched the pathspecs, newest first, in one
    /// `git log`. `--full-history` keeps side branches a merge made identical again, and
    /// merges are compared with their first parent, so a merge's own changes are seen once.
    static func commitsSince(_ base: String, git: Repository, pathspecs: [String]) throws(GitError) -> [LoggedCommit] {
        let log = try git.run(["log", "-z", "--raw", "--no-renames", "--no-abbrev", "--full-history", "--diff-merges=first-parent",
                               "--no-color", "--no-textconv", "--no-ext-diff", "--no-mailmap", "--max-count=\(maximumCommits + 1)", "--format=%x01%H %P%x02%s",
                               "--end-of-options", base + "..HEAD", "--"] + pathspecs, outputLimit: maximumHistoryBytes)
        guard log.succeeded else {
            throw .gitFailed("git log failed after \(base.prefix(12)): \(log.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let commits = parseLog(log.stdout, prefix: git.prefix)
        guard commits.count <= maximumCommits else {
            throw GitError("--changed-since: more than \(maximumCommits) commits since \(base.prefix(7)) touch the manifests; move the tag forward with a full apply, or plan without --changed-since")
        }
        return commits
    }

    /// Each object's size, in one `git cat-file --batch-check`.
    static func blobSizes(_ objects: [String], git: Repository) throws(GitError) -> [String: Int] {
        guard !objects.isEmpty else { return [:] }
        let output = try git.run(["cat-file", "--batch-check=%(objectname) %(objectsize)"], input: Array(objects.map { $0 + "\n" }.joined().utf8))
        guard output.succeeded else { throw .gitFailed("git cat-file --batch-check failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var sizes: [String: Int] = [:]
        for line in output.stdout.split(separator: 0x0A) {
            let fields = line.split(separator: 0x20)
            if fields.count == 2, let size = Int(String(decoding: fields[1], as: UTF8.self)) { sizes[String(decoding: fields[0], as: UTF8.self)] = size }
        }
        return sizes
    }

    /// Parses `git log -z --raw --format=%x01%H %P%x02%s`; paths, relative to the top of the
    /// work tree there, are spelled relative to the current folder (`prefix` is where it
    /// lies, as `git rev-parse --show-prefix` says).
    static func parseLog(_ bytes: [UInt8], prefix: String) -> [LoggedCommit] {
        var commits: [LoggedCommit] = []
        var fields = bytes.split(separator: 0, omittingEmptySubsequences: false)[...]
        let zero = String(repeating: "0", count: 40)
        while let field = fields.popFirst() {
            let trimmed = field.drop { $0 == 0x0A }
            if trimmed.first == 0x01 {
                let header = trimmed.dropFirst()
                let split = header.firstIndex(of: 0x02) ?? header.endIndex
                let ids = String(decoding: header[..<split], as: UTF8.self).split(separator: " ").map(String.init)
                guard let id = ids.first else { continue }
                // Cut: it is shown beside steps and saved in plan files.
                let subject = split < header.endIndex ? String(decoding: header[(split + 1)...].prefix(400), as: UTF8.self) : ""
                commits.append(LoggedCommit(id: id, parents: Array(ids.dropFirst()), subject: subject, changes: []))
            } else if trimmed.first == 0x3A, let pathField = fields.popFirst(), !commits.isEmpty {
                // ":100644 100644 <old> <new> M"
                let parts = String(decoding: trimmed.dropFirst(), as: UTF8.self).split(separator: " ")
                guard parts.count >= 5, let path = String(validating: pathField, as: UTF8.self) else { continue }
                func blob(_ mode: Substring, _ object: Substring) -> String? {
                    (mode == "100644" || mode == "100755") && object != zero ? String(object) : nil
                }
                commits[commits.count - 1].changes.append(Change(path: spelledFromCurrentFolder(path, prefix: prefix),
                                                                 old: blob(parts[0], parts[2]), new: blob(parts[1], parts[3])))
            }
        }
        return commits
    }

    /// `sub/` + `sub/m/a.yaml` → `m/a.yaml`; `sub/` + `other/a.yaml` → `../other/a.yaml`.
    static func spelledFromCurrentFolder(_ path: String, prefix: String) -> String {
        guard !prefix.isEmpty else { return path }
        if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        return String(repeating: "../", count: prefix.split(separator: "/").count) + path
    }
}
