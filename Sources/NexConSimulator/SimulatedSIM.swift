import Foundation
import NexConAPI
import FleetModel

/// One SIM card as the simulator holds it: its ICC, what `/status` answers for it (the
/// wire type, one shape for answers, seeds, the state file and `/_simulator/sims`), and
/// the job running for it.
public struct SimulatedSIM: Sendable, Equatable {
    public var icc: String
    public var live: StatusResponse
    /// The job running for this SIM, if any.
    public var job: Job?

    public init(icc: String, live: StatusResponse, job: Job? = nil) {
        self.icc = icc
        self.live = live
        self.job = job
    }

    public init(icc: String, status: String, tags: [String] = [], countryCode: String? = nil, msisdn: String? = nil,
                product: NamedRef? = nil, pool: NamedRef? = nil, job: Job? = nil) {
        self.init(icc: icc, live: StatusResponse(status: status, tags: tags, countryCode: countryCode, msisdn: msisdn,
                                                 product: product, pool: pool), job: job)
    }

    /// The status word, which jobs change.
    public var status: String {
        get { live.status }
        set { live.status = newValue }
    }
}

/// An action NexCon has accepted and not finished.
public struct Job: Sendable, Equatable, Decodable {
    public var id: String
    /// Not in a state file's job record: it is the record's own ICC.
    public var icc: String = ""
    public var action: SIMAction
    public var from: String
    public var to: String
    /// Wall-clock time, so a job survives a restart of the simulator.
    public var finishesAt: Date
    /// Decided when the job starts, so a seeded run repeats exactly.
    public var fails: Bool
    public var callbackURL: String?

    enum CodingKeys: String, CodingKey {
        case id, action, from, to, finishesAt, fails
        case callbackURL = "callbackUrl"
    }
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

    public init(time: Date, path: String, icc: String?, code: Int?, jobId: String?, applied: Bool?) {
        self.time = time
        self.path = path
        self.icc = icc
        self.code = code
        self.jobId = jobId
        self.applied = applied
    }
}
