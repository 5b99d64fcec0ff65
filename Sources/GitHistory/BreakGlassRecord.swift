import FleetModel
import Foundation
import Planning
import Platform

/// What break glass leaves in the repository: a commit on a new branch that declares the
/// blocked SIMs blocked, and a hold tag on it for each. It is made with git's plumbing on a
/// temporary index, so the work tree, the index and the current branch are left as they
/// were, and no hook or filter can run.
public struct BreakGlassRecord: Sendable {
    let repository: Repository
    public let branch: String
    let head: String

    /// Checks, before anything is sent, that the record can be made: a work tree with a
    /// commit, a branch name that is free, and an identity for the commit and tags.
    public static func prepare(branch: String, from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> BreakGlassRecord {
        let repository: Repository
        do {
            repository = try Repository.discover(from: folder)
        } catch .notAWorkTree {
            throw GitError("break glass writes the block on a branch of the manifests' git repository, and the current folder is not in a work tree; run it from a clone")
        }
        let valid = try repository.run(["check-ref-format", "--branch", branch])
        guard valid.succeeded, !branch.hasPrefix("-") else { throw GitError("'\(branch)' is not a branch name git accepts; pass another --branch") }
        guard !(try repository.run(["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/heads/\(branch)"])).succeeded else {
            throw GitError("the branch \(branch) exists already; pass another --branch (each break glass gets its own)")
        }
        let head = try repository.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        guard head.succeeded, !head.line.isEmpty else { throw GitError("the repository has no commit yet; break glass branches from HEAD") }
        guard try repository.run(["var", "GIT_COMMITTER_IDENT"]).succeeded else {
            throw GitError("git has no identity to write the commit and holds with; set user.name and user.email (git config), or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL")
        }
        return BreakGlassRecord(repository: repository, branch: branch, head: head.line)
    }

    /// Existing holds, read from the same repository.
    public func holds() throws(GitError) -> [ICC: Hold] { try Holds.read(in: repository) }

    /// Commits `files` (paths as the user spells them, with their new bytes) on a new
    /// branch from HEAD, and tags the commit with each hold. Returns the commit's id.
    public func write(files: [(path: String, bytes: [UInt8])], message: String, holds: [Hold]) throws(GitError) -> String {
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("simfleet-index-\(UUID().uuidString)").path
        defer { unlink(index) }
        let temporary = ["GIT_INDEX_FILE": index]
        try expect(repository.run(["read-tree", "--end-of-options", head], environment: temporary), "read-tree")
        for file in files {
            guard let path = repository.relativePath(of: file.path) else {
                throw GitError("\(file.path) is outside the git work tree at \(repository.top); break glass commits only the repository's manifests")
            }
            let blob = try repository.run(["hash-object", "-w", "--no-filters", "--stdin"], input: file.bytes)
            try expect(blob, "hash-object")
            let listed = try repository.run(["ls-tree", "--end-of-options", head, "--", ":(literal)" + path])
            let mode = listed.line.split(separator: " ").first.map(String.init).flatMap { ["100644", "100755"].contains($0) ? $0 : nil } ?? "100644"
            try expect(repository.run(["update-index", "--add", "--cacheinfo", "\(mode),\(blob.line),\(path)"], environment: temporary), "update-index")
        }
        let tree = try repository.run(["write-tree"], environment: temporary)
        try expect(tree, "write-tree")
        let commit = try repository.run(["commit-tree", "--no-gpg-sign", "-p", head, "-F", "-", tree.line], input: Array(message.utf8))
        try expect(commit, "commit-tree")
        // An empty old value: the branch must not exist, even if another run made it meanwhile.
        try expect(repository.run(["update-ref", "refs/heads/\(branch)", commit.line, String(repeating: "0", count: head.utf8.count)]), "update-ref")
        for hold in holds {
            try Holds.record(hold, at: commit.line, in: repository)
        }
        return commit.line
    }

    private func expect(_ output: Git.Output, _ what: String) throws(GitError) {
        guard output.succeeded else {
            throw GitError("break glass could not write its commit (git \(what): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
    }
}
