import FleetModel

/// NexCon's REST API as documented: paths, actions and the JSON bodies both sides exchange.
///
/// Only what the public documentation states, plus the shapes simfleet assumes where it
/// is silent (job responses, error bodies, callbacks).
///
/// Who uses which part, and why the client keeps no typed copy of the answers:
/// - The simulator writes every body from these types (`StatusResponse`, `JobAccepted`,
///   `JobCallback`), through prepared bytes on its hot path, and keeps each SIM's status
///   as a `StatusResponse`.
/// - The client sends `Endpoint` paths and reads answers by key as a `JSONValue` (or only
///   the `status` word, on the sweep's fast path). It does not decode these types: NexCon
///   documents one status word and a sample, so an answer with a field missing, a new
///   field or another type must still be read, never rejected by a strict decoder. The
///   simulator's tests decode these types to check the simulator keeps the contract.
public enum NexConAPI {
    /// Every call is `POST /api/v1/simcard/<endpoint>`.
    public static let basePath = "/api/v1/simcard"

    public static func path(_ endpoint: Endpoint) -> String { endpoint.path }

    public enum Endpoint: String, CaseIterable, Sendable {
        case activate, block, restore, terminate, status

        /// Literals, so a hot path builds no strings.
        public var path: String {
            switch self {
            case .activate: "/api/v1/simcard/activate"
            case .block: "/api/v1/simcard/block"
            case .restore: "/api/v1/simcard/restore"
            case .terminate: "/api/v1/simcard/terminate"
            case .status: "/api/v1/simcard/status"
            }
        }
    }
}

extension SIMAction {
    public var endpoint: NexConAPI.Endpoint {
        switch self {
        case .activate: .activate
        case .block: .block
        case .restore: .restore
        case .terminate: .terminate
        }
    }
}

/// `product` and `pool` in a status response.
public struct NamedRef: Codable, Sendable, Hashable {
    public var id: Int
    public var name: String
    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}

/// A status response as documented: `{"status", "tags", "countryCode", "msisdn", "product", "pool"}`.
public struct StatusResponse: Codable, Sendable, Hashable {
    public var status: String
    public var tags: [String]
    public var countryCode: String?
    public var msisdn: String?
    public var product: NamedRef?
    public var pool: NamedRef?

    enum CodingKeys: String, CodingKey { case status, tags, countryCode, msisdn, product, pool }

    /// Tolerant of what a stored record leaves out: no tags is an empty list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(String.self, forKey: .status)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        countryCode = try container.decodeIfPresent(String.self, forKey: .countryCode)
        msisdn = try container.decodeIfPresent(String.self, forKey: .msisdn)
        product = try container.decodeIfPresent(NamedRef.self, forKey: .product)
        pool = try container.decodeIfPresent(NamedRef.self, forKey: .pool)
    }

    public init(status: String, tags: [String] = [], countryCode: String? = nil, msisdn: String? = nil,
                product: NamedRef? = nil, pool: NamedRef? = nil) {
        self.status = status
        self.tags = tags
        self.countryCode = countryCode
        self.msisdn = msisdn
        self.product = product
        self.pool = pool
    }
}

/// An accepted action (our assumption): the job's id and the SIM's status now.
/// `jobId` is null when the SIM was already where the action leads.
public struct JobAccepted: Codable, Sendable, Equatable {
    public var jobId: String?
    public var icc: String
    public var status: String

    public init(jobId: String?, icc: String, status: String) {
        self.jobId = jobId
        self.icc = icc
        self.status = status
    }
}

/// What NexCon POSTs to a job's callbackUrl when the job ends (our assumption).
public struct JobCallback: Codable, Sendable, Equatable {
    public var jobId: String
    public var icc: String
    public var action: SIMAction
    public var status: String
    public var success: Bool
    /// ISO 8601, UTC.
    public var finishedAt: String

    public init(jobId: String, icc: String, action: SIMAction, status: String, success: Bool, finishedAt: String) {
        (self.jobId, self.icc, self.action) = (jobId, icc, action)
        (self.status, self.success, self.finishedAt) = (status, success, finishedAt)
    }
}
