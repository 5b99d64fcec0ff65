/// A forge's API as posting needs it: the change request's comments (a GitHub pull
/// request's, a GitLab merge request's notes) and issues. Each client keeps its own
/// hardening (no redirects, pagination within the API's origin, the token redacted).
public protocol ForgeClient: Sendable {
    /// "GitHub" or "GitLab", for messages.
    var forge: String { get }
    /// "pull request #7", "merge request !7".
    func changeName(_ number: Int) -> String
    /// The login our comments and issues are written by: only they are ever edited.
    func identity() async throws(ForgeFailure) -> String
    func comments(onChange number: Int) async throws(ForgeFailure) -> [Posting.Item]
    func createComment(onChange number: Int, body: String) async throws(ForgeFailure)
    /// False when the comment is gone (deleted since it was listed).
    func updateComment(id: Int, onChange number: Int, body: String) async throws(ForgeFailure) -> Bool
    func openIssues(label: String) async throws(ForgeFailure) -> [Posting.Item]
    func createIssue(title: String, body: String, label: String) async throws(ForgeFailure)
    func updateIssue(number: Int, title: String, body: String) async throws(ForgeFailure)
    func commentOnIssue(number: Int, body: String) async throws(ForgeFailure)
    func closeIssue(number: Int) async throws(ForgeFailure)
    func shutdown() async
}

/// One line a person can act on, the token never in it.
public struct ForgeFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The two things simfleet posts, the same on every forge: the sequence of calls, with
/// what to do decided by `Posting`.
public enum ForgePosting {
    /// Edits the change's one marked comment, or creates it; returns what to tell the person.
    public static func comment(_ body: String, marker: String, onChange number: Int, via client: any ForgeClient,
                               what: String) async throws(ForgeFailure) -> String {
        let identity = try await client.identity()
        let comments = try await client.comments(onChange: number)
        switch Posting.comment(among: comments, marker: marker, identity: identity) {
        case .update(let id):
            // Deleted since it was listed: a new one takes its place.
            if try await !client.updateComment(id: id, onChange: number, body: body) {
                try await client.createComment(onChange: number, body: body)
            }
        case .create:
            try await client.createComment(onChange: number, body: body)
        }
        return "Posted \(what) to \(client.changeName(number))."
    }

    /// Opens, updates or closes the one drift issue; returns what to tell the person.
    public static func driftIssue(_ found: Posting.Drift, marker: String, label: String, commit: String?, runLink: String?,
                                  via client: any ForgeClient) async throws(ForgeFailure) -> String {
        let identity = try await client.identity()
        let issues = try await client.openIssues(label: label)
        let matched = "The fleet matches the manifests\(commit.map { " at commit `\($0.prefix(12))`" } ?? ""); closing."
        let actions = Posting.driftIssue(among: issues, marker: marker, identity: identity, found: found, matchedNote: matched, runLink: runLink)
        var said: [String] = []
        for action in actions {
            switch action {
            case .create(let title, let body):
                try await client.createIssue(title: title, body: body, label: label)
                said.append("Opened the drift issue: \(title).")
            case .update(let number, let title, let body):
                try await client.updateIssue(number: number, title: title, body: body)
                said.append("Updated the drift issue #\(number): \(title).")
            case .comment(let number, let body):
                try await client.commentOnIssue(number: number, body: body)
            case .close(let number):
                try await client.closeIssue(number: number)
                said.append("Closed the drift issue #\(number): the fleet matches main.")
            }
        }
        return said.isEmpty ? "The drift issue is as it should be." : said.joined(separator: " ")
    }
}
