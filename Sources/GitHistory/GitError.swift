/// A git command that could not be run or failed, with what it was for; never matched
/// on git's own wording (exit statuses and porcelain output decide).
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }

    static let gitNotFound = GitError("this needs the git program, and there is none on PATH; install git")

    /// A git command that failed, named with what it was doing.
    static func gitFailed(_ what: String) -> GitError { GitError(what) }

    static let notAWorkTree = GitError("this needs a git work tree, and the current folder is not in one; run simfleet from a clone of the manifests repository")

    /// The same failure, said for `--changed-since`, which can be left out.
    public var forChangedSince: GitError {
        switch self {
        case .gitNotFound: GitError("--changed-since needs the git program, and there is none on PATH; install git, or plan without --changed-since")
        case .notAWorkTree: GitError("--changed-since needs a git work tree, and the current folder is not in one; run simfleet from a clone of the manifests repository, or plan without --changed-since")
        default: description.hasPrefix("--changed-since") ? self : GitError("--changed-since: \(description)")
        }
    }

    static func unknownRef(_ ref: String) -> GitError {
        GitError("--changed-since \(ref): no commit by that name; check the spelling, and fetch it first (e.g. git fetch origin main)")
    }

    static func shallow(_ ref: String) -> GitError {
        GitError("--changed-since \(ref): this is a shallow clone without the commit HEAD and \(ref) share; fetch the whole history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)")
    }

    static func unrelated(_ ref: String) -> GitError {
        GitError("--changed-since \(ref): HEAD and \(ref) have no commit in common; name a ref on the same history")
    }

    static func outside(_ path: String, top: String) -> GitError {
        GitError("--changed-since: \(path) is outside the git work tree at \(top), so git has no history of it; keep the manifests in the repository")
    }
}
