import Foundation

/// The `simfleet/applied` tag, moved only forward: to HEAD, when HEAD is on the branch the
/// pipeline applies (`origin/main`) and the tag's commit is HEAD's ancestor, so a re-run
/// of an old workflow run can never move it back over changes not yet applied.
public enum AppliedTag {
    public enum Outcome: Equatable, Sendable {
        case created(String)
        case moved(from: String, to: String)
        case alreadyThere(String)
    }

    public static func advance(tag: String, branch: String) throws(GitError) -> Outcome {
        let git: Repository
        do {
            git = try Repository.discover()
        } catch .notAWorkTree {
            throw GitError("mark-applied moves a git tag, and the current folder is not in a git work tree; run it in the clone the apply ran in. Nothing was moved")
        } catch .gitNotFound {
            throw GitError("mark-applied moves a git tag, and there is no git program on PATH; install git. Nothing was moved")
        }
        let head = try git.run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])
        guard head.succeeded, !head.line.isEmpty else { throw .notAWorkTree }
        let tip = try git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", branch + "^{commit}"])
        guard tip.succeeded, !tip.line.isEmpty else {
            throw GitError("mark-applied: \(branch) names no commit; fetch it first (actions/checkout with fetch-depth: 0)")
        }
        guard try git.run(["merge-base", "--is-ancestor", "--end-of-options", head.line, tip.line]).succeeded else {
            throw GitError("mark-applied: HEAD (\(head.line.prefix(7))) is not on \(branch); the tag marks only commits of the branch the pipeline applies. Nothing was moved")
        }
        let current = try git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/tags/\(tag)^{commit}"])
        if current.succeeded, !current.line.isEmpty {
            if current.line == head.line { return .alreadyThere(head.line) }
            guard try git.run(["merge-base", "--is-ancestor", "--end-of-options", current.line, head.line]).succeeded else {
                throw GitError("mark-applied: \(tag) is at \(current.line.prefix(7)), which HEAD (\(head.line.prefix(7))) does not contain; moving it would go backwards (a re-run of an older run?). Nothing was moved")
            }
        }
        let moved = try git.run(["tag", "-f", "--no-sign", "--end-of-options", tag, head.line])
        guard moved.succeeded else { throw .gitFailed("git tag failed: \(moved.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        return current.succeeded && !current.line.isEmpty ? .moved(from: current.line, to: head.line) : .created(head.line)
    }
}
