import FleetModel
import Foundation
import Hummingbird
import Logging
import NexConAPI
import NIOCore
import ServiceLifecycle

/// The request context: Hummingbird's core plus the connection, so a fault can drop it.
public struct SimulatorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Builds the simulator: the HTTP application and the services that run jobs, deliver
/// callbacks and save state. Tests build the same application.
///
/// `onListening` receives the port once the server is bound, which `port: 0` chooses.
public func buildApplication(
    configuration: SimulatorConfiguration,
    sims: [SimulatedSIM],
    logger: Logger = SimulatorLog.quiet,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> (application: some ApplicationProtocol, state: SimulatorState) {
    let (changes, changed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let (jobs, newJob) = AsyncStream.makeStream(of: Job.self)
    let (callbacks, finished) = AsyncStream.makeStream(of: CallbackDelivery.self)
    let state = SimulatorState(sims: sims, randomSeed: configuration.randomSeed, callLogLimit: configuration.callLogLimit,
                               changes: configuration.statePath == nil ? nil : changed)
    // Jobs that were running when the state was saved go on where they left off.
    for job in state.runningJobs { newJob.yield(job) }

    let api = SimulatedAPI(state: state, configuration: configuration, jobs: newJob, callbacks: finished)
    var application = Application(
        router: buildRouter(api),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "nexcon-simulator"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    // Services stop in reverse order: the state writer, added first, saves last.
    if let path = configuration.statePath {
        application.addServices(StateWriter(state: state, path: path, changes: changes, interval: configuration.stateWriteInterval,
                                            clock: configuration.clock))
    }
    application.addServices(
        JobRunner(state: state, jobs: jobs, callbacks: finished, configuration: configuration),
        CallbackSender(callbacks: callbacks, configuration: configuration, withheld: { state.noteWithheldCallback() },
                       abandoned: { state.noteAbandonedCallback() }, logger: logger)
    )
    return (application, state)
}

func buildRouter(_ api: SimulatedAPI) -> Router<SimulatorRequestContext> {
    let router = Router(context: SimulatorRequestContext.self)
    router.add(middleware: JSONErrorMiddleware())
    for endpoint in NexConAPI.Endpoint.allCases {
        router.post(RouterPath(NexConAPI.path(endpoint))) { request, context in
            try await api.handle(endpoint, request, context: context)
        }
    }
    router.get("/_simulator/calls") { request, _ in
        try api.authorize(request)
        return api.callsResponse()
    }
    router.get("/_simulator/sims") { request, _ in
        try api.authorize(request)
        return api.simsResponse()
    }
    return router
}

/// An API error with NexCon's assumed body, `{"error": {"code", "message"}}`.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(APIError.body(code: code, message: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    static func body(code: String, message: String) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 128)
        writer.objectStart()
        writer.key("error")
        writer.objectStart()
        writer.field("code", code)
        writer.field("message", message)
        writer.objectEnd()
        writer.objectEnd()
        return writer.bytes
    }

    static let unauthorized = APIError(status: .unauthorized, code: "unauthorized",
                                       message: "missing or invalid API key; send 'Authorization: bearer KEY'")
}

/// Turns the router's bare 404 for unknown paths into a JSON error body.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = SimulatorRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw APIError(status: .notFound, code: "not_found",
                           message: "no endpoint \(request.method) \(request.uri.path); see POST \(NexConAPI.basePath)/{activate,block,restore,terminate,status}")
        }
    }
}

extension Response {
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]
}

public enum SimulatorLog {
    /// Warnings and worse, on standard error: standard output belongs to the `listening on` line.
    public static var quiet: Logger {
        var logger = Logger(label: "nexcon-simulator", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = .warning
        return logger
    }
}
