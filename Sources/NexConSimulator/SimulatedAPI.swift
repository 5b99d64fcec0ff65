import FleetModel
import Foundation
import HTTPTypes
import Hummingbird
import NexConAPI
import NIOCore
import Platform

/// NexCon's five endpoints over `SimulatorState`, with the configured faults in front.
struct SimulatedAPI: Sendable {
    let state: SimulatorState
    let configuration: SimulatorConfiguration
    let jobs: AsyncStream<Job>.Continuation
    let callbacks: AsyncStream<CallbackDelivery>.Continuation
    let rateLimiter: RateLimiter?

    init(state: SimulatorState, configuration: SimulatorConfiguration,
         jobs: AsyncStream<Job>.Continuation, callbacks: AsyncStream<CallbackDelivery>.Continuation) {
        self.state = state
        self.configuration = configuration
        self.jobs = jobs
        self.callbacks = callbacks
        rateLimiter = configuration.rateLimit.map(RateLimiter.init(limit:))
    }

    /// Checks `Authorization: bearer KEY`; the scheme is case-insensitive, the key is not.
    func authorize(_ request: Request) throws(APIError) {
        guard let header = request.headers[.authorization], let key = Self.bearerKey(header), key == configuration.apiKey else {
            throw .unauthorized
        }
    }

    /// The key in `bearer KEY`, with the scheme matched case-insensitively; nil for other schemes.
    static func bearerKey(_ header: String) -> Substring? {
        let scheme = "bearer"
        var rest = Substring(header).drop { $0 == " " }
        guard rest.utf8.count > scheme.utf8.count,
              zip(rest.utf8, scheme.utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        rest = rest.dropFirst(scheme.count)
        guard rest.first == " " else { return nil }
        rest = rest.drop { $0 == " " }
        while rest.last == " " { rest = rest.dropLast() }
        return rest
    }

    func handle(_ endpoint: NexConAPI.Endpoint, _ request: Request, context: SimulatorRequestContext) async throws -> Response {
        let path = NexConAPI.path(endpoint)
        var icc: String?
        // Every answer after the rate check carries the X-RateLimit headers, as real APIs do.
        var limitHeaders: HTTPFields = [:]
        do {
            var answer = try await respond(endpoint, request, icc: &icc, limitHeaders: &limitHeaders)
            state.record(CallRecord(time: configuration.wallClock(), path: path, icc: icc, code: Int(answer.status.code),
                                    jobId: answer.jobId, applied: nil))
            answer.response.headers.append(contentsOf: limitHeaders)
            return answer.response
        } catch var error as APIError {
            state.record(CallRecord(time: configuration.wallClock(), path: path, icc: icc, code: Int(error.status.code), jobId: nil, applied: nil))
            for field in limitHeaders where error.headers[field.name] == nil { error.headers.append(field) }
            throw error
        } catch let drop as Dropped {
            state.record(CallRecord(time: configuration.wallClock(), path: path, icc: icc, code: nil, jobId: drop.jobId, applied: drop.applied))
            // Close before anything is written: the client sees the connection end with no response.
            try? await context.channel.close(mode: .all)
            throw drop
        }
    }

    private struct Answer {
        var response: Response
        var status: HTTPResponse.Status { response.status }
        var jobId: String?
    }

    /// A connection closed on purpose.
    struct Dropped: Error {
        var jobId: String?
        var applied: Bool?
    }

    private func respond(_ endpoint: NexConAPI.Endpoint, _ request: Request, icc: inout String?, limitHeaders: inout HTTPFields) async throws -> Answer {
        if configuration.latency > .zero || configuration.latencyJitter > .zero {
            let jitter = configuration.latencyJitter.seconds * state.random()
            await configuration.clock.sleep(for: configuration.latency + .seconds(jitter))
        }
        try authorize(request)
        if let rateLimiter {
            let decision = rateLimiter.take(key: configuration.apiKey)
            limitHeaders = [
                HTTPField.Name("X-RateLimit-Limit")!: String(rateLimiter.limit),
                HTTPField.Name("X-RateLimit-Remaining")!: String(decision.remaining),
                HTTPField.Name("X-RateLimit-Reset")!: String(decision.reset),
            ]
            guard decision.allowed else {
                var limited = limitHeaders
                limited[.retryAfter] = String(decision.retryAfter)
                throw APIError(status: .tooManyRequests, code: "rate_limited",
                               message: "more than \(rateLimiter.limit) requests per second; retry after \(decision.retryAfter) s",
                               headers: limited)
            }
        }
        let body = try await requestBody(request)
        icc = body.icc
        if configuration.failRate > 0, state.random() < configuration.failRate {
            throw APIError(status: .internalServerError, code: "internal_error", message: "simulated server error; nothing was changed")
        }
        let drop = configuration.dropRate > 0 && state.random() < configuration.dropRate
        guard let action = SIMAction(rawValue: endpoint.rawValue) else {
            if drop { throw Dropped(jobId: nil, applied: nil) }
            guard let status = state.status(of: body.icc) else { throw Self.notFound(body.icc) }
            return Answer(response: .json(Self.encode(status)))
        }
        if drop {
            // Either way is possible with a real dropped connection; the client must find out which.
            guard state.random() < 0.5 else { throw Dropped(jobId: nil, applied: false) }
            let answer = try perform(action, body: body)
            throw Dropped(jobId: answer.jobId, applied: answer.jobId != nil)
        }
        return try perform(action, body: body)
    }

    private func perform(_ action: SIMAction, body: ActionBody) throws -> Answer {
        switch state.perform(action, icc: body.icc, callbackURL: body.callbackUrl, configuration: configuration, now: configuration.wallClock()) {
        case .notFound:
            throw Self.notFound(body.icc)
        case .conflict(let code, let message):
            throw APIError(status: .conflict, code: code, message: message)
        case .alreadyThere(let status):
            return Answer(response: .json(Self.encode(JobAccepted(jobId: nil, icc: body.icc, status: status))))
        case .started(let job, var status):
            if configuration.jobDuration == .zero {
                if let delivery = state.finish(job, at: configuration.wallClock()) { callbacks.yield(delivery) }
                status = state.status(of: body.icc)?.status ?? status
            } else {
                jobs.yield(job)
            }
            return Answer(response: .json(Self.encode(JobAccepted(jobId: job.id, icc: body.icc, status: status))), jobId: job.id)
        }
    }

    private static func notFound(_ icc: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "no SIM with ICC \(icc) in this account")
    }

    /// `{"icc": string, "callbackUrl": string|null}`; status ignores callbackUrl.
    struct ActionBody {
        var icc: String
        var callbackUrl: String?

        /// Read with the JSON reader every other part of simfleet uses; each problem is
        /// worded as the 400 a client would need to fix it.
        init(json bytes: some Collection<UInt8>) throws(APIError) {
            func invalid(_ message: String) -> APIError { APIError(status: .badRequest, code: "invalid_request", message: message) }
            guard let value = JSONValue(parsing: bytes) else { throw invalid("the body is not valid JSON") }
            guard case .object(let fields) = value else { throw invalid("the body must be a JSON object") }
            guard let iccValue = fields["icc"] else { throw invalid("'icc' is required") }
            guard case .string(let icc) = iccValue else { throw invalid("'icc' must be a string") }
            switch fields["callbackUrl"] {
            case nil, .null?: callbackUrl = nil
            case .string(let url)?: callbackUrl = url
            default: throw invalid("'callbackUrl' must be a string")
            }
            self.icc = icc
        }
    }


    private func requestBody(_ request: Request) async throws -> ActionBody {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw APIError(status: .contentTooLarge, code: "invalid_request", message: "request body is larger than 64 KiB")
        }
        return try ActionBody(json: buffer.readableBytesView)
    }

    // MARK: Encoding

    static func encode(_ status: StatusResponse) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectStart()
        writer.statusFields(status)
        writer.objectEnd()
        return writer.bytes
    }

    static func encode(_ accepted: JobAccepted) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128)
        writer.objectStart()
        writer.field("jobId", accepted.jobId)
        writer.field("icc", accepted.icc)
        writer.field("status", accepted.status)
        writer.objectEnd()
        return writer.bytes
    }

    func callsResponse() -> Response {
        let (calls, forgotten) = state.callLog
        var writer = JSONWriter(reservingCapacity: 128 * calls.count + 48)
        writer.objectStart()
        writer.key("forgotten")
        writer.value(forgotten)
        writer.key("calls")
        writer.arrayStart()
        for call in calls {
            writer.objectStart()
            writer.field("time", Timestamp.iso8601(call.time))
            writer.field("path", call.path)
            writer.field("icc", call.icc)
            writer.key("code")
            if let code = call.code { writer.value(code) } else { writer.valueNull() }
            writer.field("jobId", call.jobId)
            if let applied = call.applied { writer.field("applied", applied) }
            writer.objectEnd()
        }
        writer.arrayEnd()
        writer.key("failedJobs")
        writer.arrayStart()
        for job in state.failedJobs {
            writer.objectStart()
            writer.field("jobId", job.id)
            writer.field("icc", job.icc)
            writer.field("action", job.action.rawValue)
            writer.objectEnd()
        }
        writer.arrayEnd()
        writer.objectEnd()
        return .json(writer.bytes)
    }

    /// The whole state, in the state file's format.
    func simsResponse() -> Response {
        var writer = JSONWriter(reservingCapacity: 4096)
        writer.objectStart()
        writer.key("sims")
        writer.arrayStart()
        for sim in state.snapshot().sims { writer.value(sim) }
        writer.arrayEnd()
        writer.objectEnd()
        return .json(writer.bytes)
    }
}
