import FleetModel
import Platform
import Foundation
import ServiceLifecycle

/// The simulator inside simfleet's own process, for `--simulator`: it listens on a free
/// loopback port and simfleet's real client talks to it over HTTP.
public enum EmbeddedSimulator {
    public static let defaultStatePath = ".simfleet/simulator.json"

    /// What the caller needs to reach it; the key is random per run and never shown.
    public struct Connection: Sendable {
        public var url: String
        public var key: String
    }

    /// Starts the simulator with the saved state at `statePath` (seeded from `desired` on
    /// first use, and for SIMs added to the manifests since), runs `body`, then stops it
    /// gracefully, which saves the state.
    public static func run<T: Sendable>(
        desired: [DesiredSIM], statePath: String, jobDuration: Duration = .milliseconds(500),
        _ body: @Sendable (Connection) async throws -> T
    ) async throws -> T {
        try WorkFolder.prepareParent(of: statePath)
        let saved = try StateFile.read(statePath)
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.apiKey = "embedded-" + UUID().uuidString
        configuration.statePath = statePath
        configuration.jobDuration = jobDuration
        let sims = SimulatorFleet.assemble(saved: saved, seeds: [], manifests: Seeds.fromManifests(desired))
        // SIMs seeded now are saved now, so the next run finds them as they were, even if
        // the manifests then declare them otherwise (as after `simfleet import`).
        if sims.count > saved.count, FileManager.default.fileExists(atPath: statePath) {
            try StateFile.write(sims, to: statePath)
        }
        let key = configuration.apiKey
        return try await withRunningSimulator(configuration: configuration, sims: sims) { port, _ in
            try await body(Connection(url: "http://127.0.0.1:\(port)", key: key))
        }
    }
}

/// Runs the simulator on `configuration.port` (0: a free one) for as long as `body` runs,
/// then shuts it down gracefully, which also saves its state.
public func withRunningSimulator<T: Sendable>(
    configuration: SimulatorConfiguration, sims: [SimulatedSIM],
    _ body: @Sendable (_ port: Int, _ state: SimulatorState) async throws -> T
) async throws -> T {
    let (ports, found) = AsyncStream.makeStream(of: Int.self)
    let (application, state) = buildApplication(configuration: configuration, sims: sims) { port in
        found.yield(port)
        found.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [application], logger: SimulatorLog.quiet))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw StateFile.ReadError(description: "the simulator did not start") }
        do {
            let result = try await body(port, state)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}
