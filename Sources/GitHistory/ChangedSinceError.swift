/// Why the manifests as they were at a commit cannot be read. Each says what to do, and
/// nothing is sent when one is raised.
public struct ChangedSinceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }

    static let gitNotFound = ChangedSinceError("--changed-since needs the git program, and there is none on PATH; install git, or plan without --changed-since")

    static func gitFailed(_ what: String) -> ChangedSinceError {
        ChangedSinceError("--changed-since: \(what)")
    }

    static let notAWorkTree = ChangedSinceError("--changed-since needs a git work tree, and the current folder is not in one; run simfleet from a clone of the manifests repository, or plan without --changed-since")

    static func unknownRef(_ ref: String) -> ChangedSinceError {
        ChangedSinceError("--changed-since \(ref): no commit by that name; check the spelling, and fetch it first (e.g. git fetch origin main)")
    }

    static func shallow(_ ref: String) -> ChangedSinceError {
        ChangedSinceError("--changed-since \(ref): this is a shallow clone without the commit HEAD and \(ref) share; fetch the whole history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)")
    }

    static func unrelated(_ ref: String) -> ChangedSinceError {
        ChangedSinceError("--changed-since \(ref): HEAD and \(ref) have no commit in common; name a ref on the same history")
    }

    static func outside(_ path: String, top: String) -> ChangedSinceError {
        ChangedSinceError("--changed-since: \(path) is outside the git work tree at \(top), so git has no history of it; keep the manifests in the repository")
    }
}
