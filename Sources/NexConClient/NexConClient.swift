import AsyncHTTPClient
import FleetModel
import Foundation
import HTTPStack
import NexConAPI
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Platform
import Synchronization

/// How requests are retried: timeouts, connection errors, 5xx and 429, with exponential
/// backoff and full jitter.
public struct RetryPolicy: Sendable {
    public var attempts = 6
    public var base = Duration.milliseconds(100)
    public var cap = Duration.seconds(5)
    public var requestTimeout = Duration.seconds(30)
    /// A refused connection is tried again until this passes; a TLS handshake must end within it.
    public var connectTimeout = Duration.seconds(3)
    /// The longest pause a `Retry-After` may ask for; longer ones are cut to this.
    public var maximumRetryWait = Duration.seconds(60)

    public init() {}

    /// A random wait in 0...min(cap, base × 2^attempt).
    public func backoff(after attempt: Int) -> Duration {
        let ceiling = min(cap.seconds, base.seconds * pow(2, Double(attempt)))
        return .seconds(Double.random(in: 0...ceiling))
    }
}

/// A failure that ends the whole run: every further call would fail the same way.
public struct FatalAPIError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// NexCon's API over the one HTTP stack, tolerant of what the documentation leaves open.
///
/// Unknown fields in answers are ignored, error bodies are read if they are JSON and
/// shown if not, and the key appears only in the Authorization header.
public final class NexConClient: Sendable {
    public let endpoint: NexConConnection
    public let pacer: Pacer
    public let retry: RetryPolicy
    private let transport: NexConTransport
    /// Cleans every text taken from an answer before anyone sees it.
    let responseText: ResponseText
    private let longestCappedWait = Mutex<Duration?>(nil)
    /// What each call's Retry-After dates are read against.
    private let wallClock: @Sendable () -> Date

    /// The longest `Retry-After` NexCon asked for beyond `maximumRetryWait`, if any: the
    /// run waited less than asked, and should say so.
    public var cappedRetryWait: Duration? { longestCappedWait.withLock { $0 } }
    private let headers: HTTPHeaders
    /// Every wait (backoff, pacing) goes by this clock.
    private let clock: InjectedClock

    /// `parallelism` sizes the connection pool; `rate` caps requests per second. `network`
    /// holds the proxy and trust roots (`HTTPStack.settings(for:environment:caFile:)`).
    public init(endpoint: NexConConnection, parallelism: Int, rate: Double?, retry: RetryPolicy = RetryPolicy(),
                network: HTTPStack.Settings = HTTPStack.Settings(), clock: InjectedClock = .continuous,
                wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.endpoint = endpoint
        self.retry = retry
        self.clock = clock
        self.wallClock = wallClock
        responseText = ResponseText(key: endpoint.key)
        pacer = Pacer(cap: rate, clock: clock)
        var settings = network
        // Never more connections than descriptors are left, keeping some for files and
        // the event loops, so a tight `ulimit -n` slows the sweep instead of crashing it.
        settings.maximumConnections = max(1, min(parallelism, FileDescriptors.available - 32))
        settings.connectTimeout = retry.connectTimeout
        transport = NexConTransport(base: endpoint.baseURL, settings: settings)
        headers = [
            "Authorization": "bearer \(endpoint.key)",
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "simfleet",
        ]
    }

    public func shutdown() async {
        await transport.shutdown()
    }

    /// What one call came to after retries.
    public enum Answer: Sendable {
        case ok(JSONValue)
        case notFound
        /// A 4xx other than 401, 403, 404 and 429: NexCon refused; retrying will not help.
        case refused(code: Int, message: String)
        /// No usable answer within the retry budget; whether an action took effect is unknown.
        case unanswered(String)
    }

    /// The live status of one SIM. With `facts: false` only the status word is kept,
    /// which saves building the whole answer for SIMs that have no `expect:`.
    public func status(of icc: ICC, facts: Bool = true) async throws(FatalAPIError) -> Observation {
        switch try await call(.status, body: Self.body(icc: icc, callbackURL: nil), retrying: true, parse: facts) {
        case .ok(let json):
            guard let status = json["status"]?.text else {
                return .failed("NexCon's answer has no 'status' field")
            }
            return .status(status, facts: facts ? json : .null)
        case .notFound:
            return .notFound
        case .refused(let code, let message):
            return .failed("NexCon answered \(code): \(message)")
        case .unanswered(let reason):
            return .failed(reason)
        }
    }

    /// One action, sent once: an ambiguous failure is returned, never retried here, since
    /// only a fresh status read can tell whether it took effect.
    public func perform(_ action: SIMAction, icc: ICC, callbackURL: String?) async throws(FatalAPIError) -> Answer {
        try await call(action.endpoint, body: Self.body(icc: icc, callbackURL: callbackURL), retrying: false, parse: true)
    }

    static func body(icc: ICC, callbackURL: String?) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64)
        writer.objectStart()
        writer.key("icc")
        writer.value(icc)
        if let callbackURL { writer.field("callbackUrl", callbackURL) }
        writer.objectEnd()
        return writer.bytes
    }

    /// Sends a request, retrying what is safe to retry: everything for status; for actions
    /// only answers that prove nothing happened (429, and 5xx are left to the caller).
    /// With `parse: false`, a 2xx answer is checked but only its `status` is kept.
    func call(_ endpoint: NexConAPI.Endpoint, body: [UInt8], retrying: Bool, parse: Bool) async throws(FatalAPIError) -> Answer {
        var lastProblem = ""
        for attempt in 0..<retry.attempts {
            await pacer.acquire()
            let answer: HTTPAnswer
            do {
                answer = try await transport.post(path: endpoint.path, headers: headers, body: body,
                                                  deadline: .now() + TimeAmount(retry.requestTimeout))
            } catch {
                lastProblem = Self.describe(error, cleaning: responseText, connectTimeout: retry.connectTimeout)
                // A certificate that fails verification, a server that does not speak TLS,
                // or a proxy that refuses, will fail the same way again.
                if Self.isPermanent(error) { return .unanswered(lastProblem) }
                guard retrying, !Task.isCancelled else { return .unanswered(lastProblem) }
                await clock.sleep(for: retry.backoff(after: attempt))
                continue
            }
            pacer.observe(declaredLimit: answer.headers.first(name: "X-RateLimit-Limit").flatMap { Int($0) })
            if (200..<300).contains(answer.code) {
                pacer.succeeded()
                if parse {
                    guard let json = JSONValue(parsing: answer.body.readableBytesView) else { return .unanswered("NexCon's answer is not JSON") }
                    return .ok(responseText.clean(json))
                }
                guard let status = JSONValue.topLevelText("status", in: answer.body.readableBytesView) else {
                    return .unanswered("NexCon's answer is not JSON")
                }
                return .ok(.object(status.map { ["status": .string(responseText.clean($0))] } ?? [:]))
            }
            let json = JSONValue(parsing: answer.body.readableBytesView)
            switch answer.code {
            case 300..<400:
                let location = answer.headers.first(name: "Location").map { responseText.clean($0) } ?? "another address"
                throw FatalAPIError(description: "NexCon redirected to \(location) (\(answer.code)); simfleet does not follow redirects, so the key is never sent elsewhere: check --api-url")
            case 401:
                throw FatalAPIError(description: "NexCon refused the API key (401 Unauthorized): check NEXCON_API_KEY or the key file, and that the key is still valid")
            case 403:
                throw FatalAPIError(description: "NexCon refused access (403 Forbidden): the key lacks rights, or this machine's IP address is not on the account's allowlist")
            case 404:
                return .notFound
            case 429:
                let asked = answer.headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0, now: wallClock()) }
                if let asked, asked > retry.maximumRetryWait {
                    longestCappedWait.withLock { $0 = max($0 ?? asked, asked) }
                }
                pacer.throttled(retryAfter: asked.map { min($0, retry.maximumRetryWait) })
                lastProblem = "rate limited (429)"
                continue // a 429 proves nothing was done: safe to repeat, even for actions
            case 500...:
                lastProblem = "NexCon answered \(answer.code)\(Self.message(json).map { ": \(responseText.clean($0))" } ?? "")"
                guard retrying else { return .unanswered(lastProblem) }
                await clock.sleep(for: retry.backoff(after: attempt))
                continue
            default:
                return .refused(code: answer.code, message: responseText.clean(Self.message(json) ?? String(buffer: answer.body)))
            }
        }
        return .unanswered("\(lastProblem); gave up after \(retry.attempts) attempts")
    }

    /// A TLS error's reason without the source paths BoringSSL puts in it (`at
    /// .build/checkouts/.../handshake.cc:393`), which mean nothing to a user.
    static func tlsReason(_ error: any Error) -> String {
        let text = String(describing: error)
            .replacingOccurrences(of: #"\s*at\s+\S*/\S*"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"\S*/\S*\.(cc|c|h|swift)(:\d+)?"#, with: "", options: .regularExpression)
        return String(text.prefix(160))
    }

    /// The message of an error body, in the shapes NexCon might use.
    static func message(_ json: JSONValue?) -> String? {
        guard let json else { return nil }
        return json["error"]?["message"]?.text ?? json["message"]?.text ?? json["error"]?.text
    }

    /// Failures that repeating cannot mend.
    static func isPermanent(_ error: any Error) -> Bool {
        if error is NIOSSLError || error is BoringSSLError { return true }
        guard let error = error as? HTTPClientError else { return false }
        return [.tlsHandshakeTimeout, .proxyAuthenticationRequired, .invalidProxyResponse].contains(error)
    }

    /// Error text without anything from the request, so the key cannot leak through it.
    static func describe(_ error: any Error, cleaning text: ResponseText, connectTimeout: Duration) -> String {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                "no answer in time (timeout)"
            case .connectTimeout:
                "cannot connect (timeout)"
            case .tlsHandshakeTimeout:
                "the server did not answer TLS within \(connectTimeout.seconds < 1 ? "\(Int(connectTimeout.seconds * 1000)) ms" : "\(Int(connectTimeout.seconds)) s"); is it a plain http port? check --api-url"
            case .remoteConnectionClosed, .requestStreamCancelled, .cancelled:
                "the connection was closed before an answer came"
            case .alreadyShutdown:
                "the client is shutting down"
            case .proxyAuthenticationRequired:
                "the proxy asked for credentials (407); give them in the proxy URL (http://user:password@proxy:port) of HTTPS_PROXY"
            case .invalidProxyResponse:
                "the proxy refused to connect to NexCon; check HTTPS_PROXY and NO_PROXY"
            default:
                "network error (\(text.clean(String(describing: error).prefix(120))))"
            }
        case is CancellationError:
            "the connection was closed before an answer came"
        case is NIOTooManyBytesError, is ResponseAccumulator.ResponseTooBigError:
            "the answer is larger than 1 MB"
        case ChannelError.ioOnClosedChannel, ChannelError.eof:
            "the connection was closed before an answer came"
        case ChannelError.connectTimeout:
            "cannot connect (timeout)"
        case let error as NIOConnectionError:
            "cannot connect (\(error.dnsAAAAError == nil && error.dnsAError == nil ? "connection refused or unreachable" : "name not found"))"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            "cannot connect (connection refused)"
        case let error as IOError where error.errnoCode == EMFILE || error.errnoCode == ENFILE:
            "too many open files: raise the limit (ulimit -n) or lower --parallelism"
        case let error as IOError:
            "network error (\(text.clean(error.description.prefix(120))))"
        case let error as NIOSSLError:
            "TLS failed (\(text.clean(tlsReason(error)))); check the URL and the server's certificate"
        case let error as BoringSSLError:
            "TLS failed (\(text.clean(tlsReason(error)))); check the URL and the server's certificate"
        case is HTTPParserError:
            "the answer is not valid HTTP"
        default:
            "network error (\(text.clean(String(describing: error).prefix(120))))"
        }
    }
}
