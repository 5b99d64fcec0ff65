import FleetModel

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
        /// It differs (or some SIMs could not be read): how many SIMs, and the issue's body.
        case differs(count: Int, body: String)
        /// simfleet could not plan at all: the issue says so.
        case failed(body: String)
    }

    public enum IssueAction: Sendable, Equatable {
        case create(title: String, body: String)
        case update(number: Int, title: String, body: String)
        case comment(number: Int, body: String)
        case close(number: Int)
    }

    /// The hidden line that records how many SIMs differed, so the next check can say what changed.
    public static func countLine(_ count: Int) -> String { "<!-- simfleet:drift-count \(count) -->" }

    static func recordedCount(in body: String) -> Int? {
        guard let range = body.range(of: "<!-- simfleet:drift-count ", options: .backwards) else { return nil }
        return Int(body[range.upperBound...].prefix { $0.isNumber })
    }

    /// "simfleet: 5 SIMs differ from main"
    public static func driftTitle(_ count: Int) -> String {
        "simfleet: \(count == 1 ? "1 SIM differs" : "\(Wording.grouped(count)) SIMs differ") from main"
    }

    /// One open drift issue per marker: its title carries the count, its body the current
    /// state; each check that changes the count adds a short comment ("+3 since the last
    /// check"), so the history stays; closed with a comment when the fleet matches.
    public static func driftIssue(among issues: [Item], marker: String, identity: String, found: Drift, matchedNote: String,
                                  runLink: String? = nil) -> [IssueAction] {
        let open = ours(issues, marker: marker, identity: identity)
        let run = runLink.map { " ([run](\($0)))" } ?? ""
        switch found {
        case .matches:
            guard let open else { return [] }
            return [.comment(number: open.id, body: matchedNote + run), .close(number: open.id)]
        case .failed(let body):
            let title = "simfleet: the drift check could not plan"
            guard let open else { return [.create(title: title, body: body)] }
            return open.body == body ? [] : [.update(number: open.id, title: title, body: body), .comment(number: open.id, body: "The drift check could not plan\(run); the issue says why.")]
        case .differs(let count, let text):
            // The count rides in the body, hidden, for the next check to compare with.
            let body = text + "\n" + countLine(count) + "\n"
            let title = driftTitle(count)
            guard let open else { return [.create(title: title, body: body)] }
            guard open.body != body else { return [] }
            var actions: [IssueAction] = [.update(number: open.id, title: title, body: body)]
            if let before = recordedCount(in: open.body), before != count {
                let change = count > before ? "+\(Wording.grouped(count - before))" : "−\(Wording.grouped(before - count))"
                actions.append(.comment(number: open.id, body: "\(count == 1 ? "1 SIM differs" : "\(Wording.grouped(count)) SIMs differ") from main (\(change) since the last check)\(run)."))
            }
            return actions
        }
    }
}
