import Foundation
import NexConAPI
import FleetModel

/// One SIM card as the simulator holds it.
public struct SimulatedSIM: Sendable, Equatable {
    public var icc: String
    public var status: String
    public var tags: [String]
    public var countryCode: String?
    public var msisdn: String?
    public var product: NamedRef?
    public var pool: NamedRef?
    /// The job running for this SIM, if any.
    public var job: Job?

    public init(icc: String, status: String, tags: [String] = [], countryCode: String? = nil, msisdn: String? = nil,
                product: NamedRef? = nil, pool: NamedRef? = nil, job: Job? = nil) {
        self.icc = icc
        self.status = status
        self.tags = tags
        self.countryCode = countryCode
        self.msisdn = msisdn
        self.product = product
        self.pool = pool
        self.job = job
    }

    public var statusResponse: StatusResponse {
        StatusResponse(status: status, tags: tags, countryCode: countryCode, msisdn: msisdn, product: product, pool: pool)
    }
}

/// An action NexCon has accepted and not finished.
public struct Job: Sendable, Equatable {
    public var id: String
    public var icc: String
    public var action: SIMAction
    public var from: String
    public var to: String
    /// Wall-clock time, so a job survives a restart of the simulator.
    public var finishesAt: Date
    /// Decided when the job starts, so a seeded run repeats exactly.
    public var fails: Bool
    public var callbackURL: String?
}

/// One API call as the simulator saw it, for tests and audits.
public struct CallRecord: Sendable, Equatable {
    public var time: Date
    public var path: String
    public var icc: String?
    /// The HTTP status sent; nil when the connection was dropped instead.
    public var code: Int?
    public var jobId: String?
    /// For a dropped action: whether the change was made before the drop.
    public var applied: Bool?
}
