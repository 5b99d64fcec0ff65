import FleetModel
import Foundation
import Planning
import Platform

/// Break-glass holds as the repository records them: an annotated tag
/// `simfleet/hold/ICC` per held SIM, on the commit that declares the block. Tags travel
/// with every fetch of tags (actions/checkout with `fetch-depth: 0` brings them), and a
/// tag ruleset on `simfleet/*` keeps them to the workflows.
public enum Holds {
    /// Holds read at the most: more tags than this are an error, not a silent cut.
    public static let maximumCount = 100_000

    /// Every hold the repository holding `folder` records; none outside a work tree.
    public static func read(from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> [ICC: Hold] {
        // No `.git` here or above: no tags, so no holds, and no git process to start.
        guard Repository.mayHoldOne(folder) else { return [:] }
        let repository: Repository
        do {
            repository = try Repository.discover(from: folder)
        } catch .gitNotFound {
            return [:]
        } catch .notAWorkTree {
            return [:]
        }
        return try read(in: repository)
    }

    static func read(in repository: Repository) throws(GitError) -> [ICC: Hold] {
        let listed = try repository.run(["for-each-ref", "--count=\(maximumCount + 1)",
                                         "--format=%(refname:lstrip=4)%00%(contents)%01", "--", "refs/tags/" + Hold.tagPrefix])
        guard listed.succeeded else {
            throw GitError("cannot read the break-glass holds (git for-each-ref: \(listed.stderr.trimmingCharacters(in: .whitespacesAndNewlines))); nothing was sent")
        }
        var holds: [ICC: Hold] = [:]
        let records = listed.stdout.split(separator: 0x01).filter { !$0.allSatisfy { $0 == 0x0A } }
        guard records.count <= maximumCount else {
            throw GitError("more than \(maximumCount) break-glass holds (tags simfleet/hold/*); release the ones whose pull requests are merged")
        }
        for record in records {
            let fields = record.drop { $0 == 0x0A }.split(separator: 0x00, maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = fields.first.map({ String(decoding: $0, as: UTF8.self) }), ICC.validate(name) == nil else { continue }
            let icc = ICC(unchecked: name)
            let message = fields.count > 1 ? String(decoding: fields[1].prefix(8192), as: UTF8.self) : ""
            holds[icc] = Hold.parse(icc: icc, message: message) ?? Hold(icc: icc, reason: "a tag whose message names another SIM", run: "unknown",
                                                                       branch: "unknown", by: "unknown", at: "unknown")
        }
        return holds
    }

    /// Records `hold` as an annotated tag on `commit`; an existing hold of the SIM is an error.
    static func record(_ hold: Hold, at commit: String, in repository: Repository) throws(GitError) {
        let made = try repository.run(["tag", "-a", "--no-sign", "-F", "-", "--end-of-options", hold.tag, commit], input: Array(hold.message.utf8))
        guard made.succeeded else {
            throw GitError("cannot record the hold \(hold.tag) (git tag: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
    }

    /// Deletes the local hold tags of `iccs` that exist; returns the ICCs released.
    public static func release(_ iccs: [ICC], from folder: String = FileManager.default.currentDirectoryPath) throws(GitError) -> [ICC] {
        let repository = try Repository.discover(from: folder)
        let existing = try read(in: repository)
        var released: [ICC] = []
        for icc in iccs where existing[icc] != nil {
            let deleted = try repository.run(["tag", "-d", "--end-of-options", Hold.tagPrefix + icc.digits])
            guard deleted.succeeded else {
                throw GitError("cannot delete the hold tag of \(icc) (git tag -d: \(deleted.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
            }
            released.append(icc)
        }
        return released
    }
}
