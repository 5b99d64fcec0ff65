/// What to do on GitHub, decided from what is there: pure, so every case is a table test.
public enum Posting {
    /// A comment or issue as GitHub listed it.
    public struct Item: Sendable, Equatable {
        public var id: Int
        public var author: String
        public var body: String
        /// The issues API lists pull requests too; they are never the drift issue.
        public var isPullRequest: Bool

        public init(id: Int, author: String, body: String, isPullRequest: Bool = false) {
            self.id = id
            self.author = author
            self.body = body
            self.isPullRequest = isPullRequest
        }
    }

    /// One of ours: written by `identity` and opening with `marker`'s line. Other people's
    /// comments carrying the marker are left alone.
    public static func ours(_ items: [Item], marker: String, identity: String) -> Item? {
        items.first { $0.author == identity && !$0.isPullRequest && ($0.body == marker || $0.body.hasPrefix(marker + "\n")) }
    }

    public enum CommentAction: Sendable, Equatable {
        case create
        case update(id: Int)
    }

    /// The pull request's one marked comment: edited in place, or created when missing.
    public static func comment(among comments: [Item], marker: String, identity: String) -> CommentAction {
        ours(comments, marker: marker, identity: identity).map { .update(id: $0.id) } ?? .create
    }

    /// What a drift check found.
    public enum Drift: Sendable, Equatable {
        /// The fleet matches the manifests.
        case matches
        /// It differs (or some SIMs could not be read): the issue's body.
        case differs(body: String)
        /// simfleet could not plan at all: the issue says so.
        case failed(body: String)
    }

    public enum IssueAction: Sendable, Equatable {
        case create(body: String)
        case update(number: Int, body: String)
        case comment(number: Int, body: String)
        case close(number: Int)
    }

    /// One open drift issue per marker: updated while drift lasts, closed with a comment
    /// when the fleet matches.
    public static func driftIssue(among issues: [Item], marker: String, identity: String, found: Drift, matchedNote: String) -> [IssueAction] {
        let open = ours(issues, marker: marker, identity: identity)
        switch found {
        case .matches:
            guard let open else { return [] }
            return [.comment(number: open.id, body: matchedNote), .close(number: open.id)]
        case .differs(let body), .failed(let body):
            guard let open else { return [.create(body: body)] }
            return open.body == body ? [] : [.update(number: open.id, body: body)]
        }
    }
}
