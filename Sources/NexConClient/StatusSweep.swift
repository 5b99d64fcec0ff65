import FleetModel
import Synchronization

/// Reads the live status of many SIMs at once.
public enum StatusSweep {
    /// Counts finished reads, for a progress line.
    public final class Progress: Sendable {
        private let done = Atomic<Int>(0)
        public let total: Int
        public init(total: Int) { self.total = total }
        public var completed: Int { done.load(ordering: .relaxed) }
        func finishOne() { done.add(1, ordering: .relaxed) }
    }

    /// Reads every ICC with up to `parallelism` requests in flight. The first request goes
    /// alone, so a wrong key or URL costs one call, not hundreds; a 401 or 403 at any
    /// point ends the sweep at once.
    public static func run(
        _ iccs: [ICC], client: NexConClient, parallelism: Int, progress: Progress? = nil,
        needsFacts: @escaping @Sendable (ICC) -> Bool = { _ in true }
    ) async throws(FatalAPIError) -> [ICC: Observation] {
        guard let first = iccs.first else { return [:] }
        var results: [ICC: Observation] = [:]
        results.reserveCapacity(iccs.count)
        let firstObservation = try await client.status(of: first, facts: needsFacts(first))
        if case .failed(let reason) = firstObservation {
            throw FatalAPIError(description: "cannot read status from \(client.endpoint): \(reason)")
        }
        results[first] = firstObservation
        progress?.finishOne()

        let cursor = Cursor(start: 1)
        let outcome: Result<[[(ICC, Observation)]], FatalAPIError> = await withTaskGroup(of: Result<[(ICC, Observation)], FatalAPIError>.self) { group in
            for _ in 0..<max(1, min(parallelism, iccs.count - 1)) {
                group.addTask {
                    var found: [(ICC, Observation)] = []
                    while true {
                        let index = cursor.take()
                        guard index < iccs.count, !Task.isCancelled else { return .success(found) }
                        do throws(FatalAPIError) {
                            found.append((iccs[index], try await client.status(of: iccs[index], facts: needsFacts(iccs[index]))))
                        } catch {
                            return .failure(error)
                        }
                        progress?.finishOne()
                    }
                }
            }
            var batches: [[(ICC, Observation)]] = []
            for await result in group {
                switch result {
                case .success(let batch): batches.append(batch)
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
            }
            return .success(batches)
        }
        switch outcome {
        case .success(let batches):
            for batch in batches {
                for (icc, observation) in batch { results[icc] = observation }
            }
            return results
        case .failure(let error):
            throw error
        }
    }
}

/// Hands out indexes to workers, each once.
final class Cursor: Sendable {
    private let next: Atomic<Int>
    init(start: Int) { next = Atomic(start) }
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
