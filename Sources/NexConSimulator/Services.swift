import AsyncHTTPClient
import HTTPStack
import Foundation
import Logging
import NexConAPI
import NIOCore
import ServiceLifecycle
import Platform

/// Ends running jobs when their time comes, each in its own child task.
///
/// On shutdown, unfinished jobs are left as they are: the state file keeps them and a
/// restarted simulator finishes them.
struct JobRunner: Service {
    let state: SimulatorState
    let jobs: AsyncStream<Job>
    let callbacks: AsyncStream<CallbackDelivery>.Continuation
    let configuration: SimulatorConfiguration

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for await job in jobs.cancelOnGracefulShutdown() {
                group.addTask {
                    let delay = job.finishesAt.timeIntervalSince(configuration.wallClock())
                    if delay > 0 {
                        await configuration.clock.sleep(for: .seconds(delay))
                        if Task.isCancelled { return }
                    }
                    if let delivery = state.finish(job, at: configuration.wallClock()) { callbacks.yield(delivery) }
                }
            }
            group.cancelAll()
        }
    }
}

/// POSTs finished jobs to their callbackUrl, retrying with backoff on failure.
/// Runs apart from request handling, so it never delays an API response.
struct CallbackSender: Service {
    let callbacks: AsyncStream<CallbackDelivery>
    let configuration: SimulatorConfiguration
    let withheld: @Sendable () -> Void
    /// Told when a callback is given up after its last attempt.
    let abandoned: @Sendable () -> Void
    let logger: Logger

    func run() async throws {
        // Direct: callbacks go to the host a test or demo names, never through a proxy.
        let client = HTTPStack.client(HTTPStack.Settings())
        await withDiscardingTaskGroup { group in
            for await delivery in callbacks.cancelOnGracefulShutdown() {
                guard mayCall(delivery.url) else {
                    withheld()
                    logger.debug("callback withheld", metadata: ["url": "\(delivery.url)", "reach": "\(configuration.callbackReach)"])
                    continue
                }
                group.addTask { await deliver(delivery.payload, to: delivery.url, client: client) }
            }
            group.cancelAll()
        }
        try? await client.shutdown()
    }

    func mayCall(_ url: String) -> Bool {
        switch configuration.callbackReach {
        case .any: true
        case .none: false
        case .loopback: URLComponents(string: url)?.host.map { Loopback.contains(host: $0) } ?? false
        }
    }

    func deliver(_ callback: JobCallback, to url: String, client: HTTPClient) async {
        guard let body = try? JSONEncoder().encode(callback) else { return }
        var backoff = configuration.callbackBackoff
        for attempt in 1...max(1, configuration.callbackAttempts) {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let timeout = TimeAmount(configuration.callbackTimeout)
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return }
                logger.debug("callback refused", metadata: ["job": "\(callback.jobId)", "status": "\(response.status.code)", "attempt": "\(attempt)"])
            } catch {
                if Task.isCancelled { return }
                logger.debug("callback failed", metadata: ["job": "\(callback.jobId)", "error": "\(error)", "attempt": "\(attempt)"])
            }
            if attempt < configuration.callbackAttempts {
                await configuration.clock.sleep(for: backoff)
                if Task.isCancelled { return }
                backoff *= 2
            }
        }
        abandoned()
    }
}

/// Writes the state file after changes: atomically, at most once per interval, and once
/// more on shutdown so nothing is lost.
struct StateWriter: Service {
    let state: SimulatorState
    let path: String
    let changes: AsyncStream<Void>
    let interval: Duration
    let clock: InjectedClock

    func run() async throws {
        var saved = state.version
        // A fresh fleet is saved at once, so the next start finds the same SIMs.
        if !FileManager.default.fileExists(atPath: path) { saved = try write() }
        for await _ in changes.cancelOnGracefulShutdown() {
            if state.version != saved { saved = try write() }
            await clock.sleep(for: interval)
        }
        if state.version != saved { _ = try write() }
    }

    private func write() throws -> Int {
        let (sims, version) = state.snapshot()
        try StateFile.write(sims, to: path)
        return version
    }
}

/// A finished job's callback and where to send it.
public struct CallbackDelivery: Sendable {
    public var url: String
    public var payload: JobCallback
}
