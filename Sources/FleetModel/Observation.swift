/// What the status sweep found for one SIM.
public enum Observation: Sendable, Hashable {
    /// NexCon answered: the status word and the whole response, for `expect:` checks.
    case status(String, facts: JSONValue)
    /// NexCon answered 404.
    case notFound
    /// No answer could be had; the message says why.
    case failed(String)
}
