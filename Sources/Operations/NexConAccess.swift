import FleetModel
import HTTPStack
import Foundation
import NexConClient
import NexConSimulator
import Planning
import Platform
import Reconciler
import Views

/// NexCon as the operations use it: the reconciler's actions and the status sweep.
public protocol NexConService: NexConActions {
    /// Reads every ICC's live status; a refused key or a redirect ends it at once.
    func sweep(_ iccs: [ICC], parallelism: Int, progress: StatusSweep.Progress,
               needsFacts: @escaping @Sendable (ICC) -> Bool) async throws(RunEndingError) -> [ICC: Observation]
    /// What to say once the run is over, such as a Retry-After that was cut short.
    var closingWarnings: [String] { get }
}

/// Opens NexCon for one run: the real API, the embedded simulator, or a test's stand-in.
public protocol NexConOpener: Sendable {
    /// Runs `body` with NexCon and what the plan records of it; `seed` is what an embedded
    /// simulator knows at first.
    func open<T: Sendable>(seed: [DesiredSIM], console: any Console,
                           _ body: @Sendable (any NexConService, PlanTarget) async throws -> T) async throws -> T
}

/// How to reach NexCon over HTTP, as the command line sets it. The key never comes from
/// a flag value: from NEXCON_API_KEY or a key file.
public struct HTTPNexCon: NexConOpener {
    public var apiURL: String?
    public var apiKeyFile: String?
    public var simulator = false
    public var parallelism = 16
    public var rate: Double?
    public var retry = RetryPolicy()
    /// A corporate CA to trust besides the system's (`--ca-file`; SSL_CERT_FILE adds one too).
    public var caFile: String?
    public var environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    public func open<T: Sendable>(seed: [DesiredSIM], console: any Console,
                                  _ body: @Sendable (any NexConService, PlanTarget) async throws -> T) async throws -> T {
        if simulator {
            return try await EmbeddedSimulator.run(desired: seed, statePath: EmbeddedSimulator.defaultStatePath) { connection in
                let endpoint = try NexConConnection(url: connection.url, key: connection.key)
                let client = NexConClient(endpoint: endpoint, parallelism: parallelism, rate: rate, retry: retry)
                return try await Self.using(client, console: console) { try await body($0, PlanTarget(kind: .simulator, url: connection.url)) }
            }
        }
        let endpoint: NexConConnection
        let client: NexConClient
        do {
            let key = try NexConConnection.key(environment: environment, keyFile: apiKeyFile, warn: { console.error(TerminalText.escape($0)) })
            endpoint = try NexConConnection(url: apiURL ?? environment["NEXCON_API_URL"] ?? NexConConnection.defaultURL, key: key)
            let network = try HTTPStack.settings(for: endpoint.baseURL, environment: environment, caFile: caFile).get()
            client = NexConClient(endpoint: endpoint, parallelism: parallelism, rate: rate, retry: retry, network: network)
        } catch {
            console.error("error: \(TerminalText.escape("\(error)"))")
            throw OperationStopped.nothingSent
        }
        return try await Self.using(client, console: console) { try await body($0, PlanTarget(kind: .api, url: endpoint.baseURL)) }
    }

    private static func using<T>(_ client: NexConClient, console: any Console, _ body: (ClientActions) async throws -> T) async throws -> T {
        let actions = ClientActions(client: client)
        defer { for warning in actions.closingWarnings { console.error(warning) } }
        do {
            let result = try await body(actions)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// The HTTP client in the reconciler's terms.
public struct ClientActions: NexConService {
    public let client: NexConClient

    public init(client: NexConClient) { self.client = client }

    public func status(of icc: ICC, facts: Bool) async throws(RunEndingError) -> Observation {
        do { return try await client.status(of: icc, facts: facts) } catch { throw RunEndingError(error.description) }
    }

    public func perform(_ action: SIMAction, icc: ICC, callbackURL: String?) async throws(RunEndingError) -> ActionAnswer {
        let answer: NexConClient.Answer
        do { answer = try await client.perform(action, icc: icc, callbackURL: callbackURL) } catch { throw RunEndingError(error.description) }
        switch answer {
        case .ok(let json): return .accepted(jobId: json["jobId"]?.text)
        case .notFound: return .notFound
        case .refused(let code, let message): return .refused(code: code, message: message)
        case .unanswered(let problem): return .unanswered(problem)
        }
    }

    public func backoff(after attempt: Int) -> Duration { client.retry.backoff(after: attempt) }

    public func sweep(_ iccs: [ICC], parallelism: Int, progress: StatusSweep.Progress,
               needsFacts: @escaping @Sendable (ICC) -> Bool) async throws(RunEndingError) -> [ICC: Observation] {
        do {
            return try await StatusSweep.run(iccs, client: client, parallelism: parallelism, progress: progress, needsFacts: needsFacts)
        } catch {
            throw RunEndingError(error.description)
        }
    }

    public var closingWarnings: [String] {
        guard let asked = client.cappedRetryWait else { return [] }
        return ["warning: NexCon asked to wait \(Int(asked.seconds)) s before retrying (Retry-After); simfleet waited at most \(Int(client.retry.maximumRetryWait.seconds)) s (--max-retry-wait)"]
    }
}
