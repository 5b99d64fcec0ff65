import AsyncHTTPClient
import Foundation
import Logging
import NexConSimulator
import NIOCore
import ServiceLifecycle

/// A simulator serving on a free loopback port for the length of a test.
public struct RunningSimulator: Sendable {
    public let port: Int
    public let state: SimulatorState
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// Runs the simulator built exactly as `simfleet simulator` builds it, on port 0, calls
/// `body`, then shuts it down gracefully (which also saves its state).
public func withSimulator<T: Sendable>(
    _ configuration: SimulatorConfiguration = .forTests,
    sims: [SimulatedSIM],
    _ body: @Sendable (RunningSimulator) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    return try await withRunningSimulator(configuration: configuration, sims: sims) { port, state in
        try await body(RunningSimulator(port: port, state: state))
    }
}



extension SimulatorConfiguration {
    /// Instant jobs, a seeded generator and quick callback retries.
    public static var forTests: SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.jobDuration = .zero
        configuration.randomSeed = 1
        configuration.callbackBackoff = .milliseconds(20)
        configuration.callbackTimeout = .seconds(2)
        configuration.stateWriteInterval = .milliseconds(10)
        return configuration
    }
}

/// An HTTP reply as a test sees it.
public struct Reply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: String

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// Sends one request over a real loopback connection.
public func send(
    _ url: String, method: String = "POST", body: String? = nil, key: String? = "dev-key",
    authorization: String? = nil
) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let authorization {
        request.headers.add(name: "Authorization", value: authorization)
    } else if let key {
        request.headers.add(name: "Authorization", value: "bearer \(key)")
    }
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
    var headers: [String: String] = [:]
    for header in response.headers { headers[header.name.lowercased()] = header.value }
    return Reply(status: Int(response.status.code), headers: headers, body: String(buffer: bytes))
}
