import Foundation
import Hummingbird
import HummingbirdTesting
import NexConAPI
@testable import NexConSimulator
import Testing

/// The API's answers through the router, without a network.
@Suite struct RouterTests {
    static let active = "89450100250731069754"
    static let inactive = "89450100250731069812"
    static let blocked = "89450100250731069937"
    static let terminated = "89450100250731070026"

    static let fleet = [
        SimulatedSIM(icc: active, status: "ACTIVATED", tags: ["gps"], countryCode: "DK", msisdn: "4512345678",
                     product: NamedRef(id: 12, name: "IoT Nordic 1GB"), pool: NamedRef(id: 7, name: "Default pool")),
        SimulatedSIM(icc: inactive, status: "INACTIVE"),
        SimulatedSIM(icc: blocked, status: "BLOCKED"),
        SimulatedSIM(icc: terminated, status: "TERMINATED"),
    ]

    static func app(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) -> some ApplicationProtocol {
        var configuration = SimulatorConfiguration.forTestsWithoutNetwork
        configure(&configuration)
        return buildApplication(configuration: configuration, sims: fleet).application
    }

    static func post(_ client: some TestClientProtocol, _ endpoint: String, _ body: String, authorization: String? = "bearer dev-key") async throws -> (Int, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: "/api/v1/simcard/\(endpoint)", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json)
        }
    }

    static func errorCode(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    @Test func statusAnswersTheDocumentedShape() async throws {
        try await Self.app().test(.router) { client in
            let (code, json) = try await Self.post(client, "status", #"{"icc":"\#(Self.active)"}"#)
            #expect(code == 200)
            #expect(json["status"] as? String == "ACTIVATED")
            #expect(json["tags"] as? [String] == ["gps"])
            #expect(json["countryCode"] as? String == "DK")
            #expect(json["msisdn"] as? String == "4512345678")
            #expect((json["product"] as? [String: Any])?["name"] as? String == "IoT Nordic 1GB")
            #expect((json["pool"] as? [String: Any])?["id"] as? Int == 7)
        }
    }

    typealias ActionRow = (endpoint: String, icc: String, code: Int, status: String?, error: String?)

    /// Every action against every status, with instant jobs.
    static let actions: [ActionRow] = [
        ("activate", inactive, 200, "ACTIVATED", nil),
        ("activate", active, 200, "ACTIVATED", nil),
        ("activate", blocked, 409, nil, "invalid_transition"),
        ("activate", terminated, 409, nil, "invalid_transition"),
        ("block", active, 200, "BLOCKED", nil),
        ("block", inactive, 409, nil, "invalid_transition"),
        ("block", blocked, 200, "BLOCKED", nil),
        ("block", terminated, 409, nil, "invalid_transition"),
        ("restore", blocked, 200, "ACTIVATED", nil),
        ("restore", active, 200, "ACTIVATED", nil),
        ("restore", inactive, 409, nil, "invalid_transition"),
        ("restore", terminated, 409, nil, "invalid_transition"),
        ("terminate", inactive, 200, "TERMINATED", nil),
        ("terminate", active, 200, "TERMINATED", nil),
        ("terminate", blocked, 200, "TERMINATED", nil),
        ("terminate", terminated, 200, "TERMINATED", nil),
        ("activate", "89450100250731070141", 404, nil, "not_found"),
    ]

    @Test(arguments: actions.indices)
    func actionsFollowTheLifecycle(index: Int) async throws {
        let row = Self.actions[index]
        try await Self.app().test(.router) { client in
            let (code, json) = try await Self.post(client, row.endpoint, #"{"icc":"\#(row.icc)"}"#)
            #expect(code == row.code)
            #expect(Self.errorCode(json) == row.error)
            if let status = row.status {
                #expect(json["status"] as? String == status)
                let (_, after) = try await Self.post(client, "status", #"{"icc":"\#(row.icc)"}"#)
                #expect(after["status"] as? String == status)
            }
        }
    }

    @Test func repeatConflictAnswers409ForAReachedTarget() async throws {
        try await Self.app { $0.repeatPolicy = .conflict }.test(.router) { client in
            let (code, json) = try await Self.post(client, "activate", #"{"icc":"\#(Self.active)"}"#)
            #expect(code == 409)
            #expect(Self.errorCode(json) == "invalid_transition")
        }
    }

    @Test func repeatOKAnswers200WithoutAJob() async throws {
        try await Self.app().test(.router) { client in
            let (code, json) = try await Self.post(client, "block", #"{"icc":"\#(Self.blocked)"}"#)
            #expect(code == 200)
            #expect(json["jobId"] is NSNull)
        }
    }

    @Test func anActionWhileAJobRunsIsAConflict() async throws {
        try await Self.app { $0.jobDuration = .seconds(60) }.test(.router) { client in
            let (first, accepted) = try await Self.post(client, "block", #"{"icc":"\#(Self.active)"}"#)
            #expect(first == 200)
            #expect(accepted["status"] as? String == "BLOCKING")
            #expect((accepted["jobId"] as? String)?.hasPrefix("job-") == true)
            let (second, json) = try await Self.post(client, "terminate", #"{"icc":"\#(Self.active)"}"#)
            #expect(second == 409)
            #expect(Self.errorCode(json) == "job_pending")
            let (_, status) = try await Self.post(client, "status", #"{"icc":"\#(Self.active)"}"#)
            #expect(status["status"] as? String == "BLOCKING")
        }
    }

    @Test(arguments: [nil, "bearer wrong", "Basic dev-key", "dev-key", "bearer"] as [String?])
    func wrongOrMissingKeyIs401(authorization: String?) async throws {
        try await Self.app().test(.router) { client in
            let (code, json) = try await Self.post(client, "status", #"{"icc":"\#(Self.active)"}"#, authorization: authorization)
            #expect(code == 401)
            #expect(Self.errorCode(json) == "unauthorized")
        }
    }

    @Test(arguments: ["bearer dev-key", "Bearer dev-key", "BEARER dev-key"])
    func bearerIsCaseInsensitive(authorization: String) async throws {
        try await Self.app().test(.router) { client in
            let (code, _) = try await Self.post(client, "status", #"{"icc":"\#(Self.active)"}"#, authorization: authorization)
            #expect(code == 200)
        }
    }

    /// Malformed requests get a 4xx with a JSON error, never a crash or a 500.
    @Test(arguments: [
        ("status", "", 400), ("status", "{", 400), ("status", "[]", 400), ("status", "{}", 400),
        ("status", #"{"icc":1}"#, 400), ("status", #"{"icc":null}"#, 400), ("status", #"{"icc":["x"]}"#, 400),
        ("activate", #"{"icc":"89450100250731069812","callbackUrl":5}"#, 400),
        ("status", "\u{0}\u{1}\u{FF}", 400), ("status", #"{"icc":"\u0000"}"#, 404),
        ("status", String(repeating: "[", count: 10_000), 400),
        ("status", #"{"icc":"89450100250731069754"#, 400),
        ("nope", #"{"icc":"1"}"#, 404),
    ] as [(String, String, Int)])
    func malformedRequestsAreRefusedCleanly(endpoint: String, body: String, expected: Int) async throws {
        try await Self.app().test(.router) { client in
            let (code, json) = try await Self.post(client, endpoint, body)
            #expect(code == expected)
            #expect(Self.errorCode(json) != nil)
        }
    }

    @Test func unknownPathsAndMethodsAre404WithAJSONBody() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/simcard/status", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("\"not_found\""))
            }
            try await client.execute(uri: "/elsewhere", method: .post) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func failRateAnswers500BeforeAnyChange() async throws {
        try await Self.app { $0.failRate = 1 }.test(.router) { client in
            let (code, json) = try await Self.post(client, "block", #"{"icc":"\#(Self.active)"}"#)
            #expect(code == 500)
            #expect(Self.errorCode(json) == "internal_error")
        }
        let (application, state) = buildApplication(configuration: { var c = SimulatorConfiguration.forTestsWithoutNetwork; c.failRate = 1; return c }(), sims: Self.fleet)
        try await application.test(.router) { client in
            _ = try await Self.post(client, "block", #"{"icc":"\#(Self.active)"}"#)
        }
        #expect(state.status(of: Self.active)?.status == "ACTIVATED")
    }

    @Test func callLogKeepsTheNewestCallsAndCountsTheRest() async throws {
        try await Self.app { $0.callLogLimit = 4 }.test(.router) { client in
            for sim in [Self.active, Self.inactive, Self.blocked, Self.terminated, Self.active, Self.inactive, Self.blocked] {
                _ = try await Self.post(client, "status", #"{"icc":"\#(sim)"}"#)
            }
            try await client.execute(uri: "/_simulator/calls", method: .get, headers: [.authorization: "bearer dev-key"]) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let calls = json?["calls"] as? [[String: Any]] ?? []
                #expect(calls.map { $0["icc"] as? String } == [Self.terminated, Self.active, Self.inactive, Self.blocked])
                #expect(json?["forgotten"] as? Int == 3)
            }
        }
    }

    @Test func auditEndpointsNeedTheKeyAndTellTheTruth() async throws {
        try await Self.app().test(.router) { client in
            _ = try await Self.post(client, "block", #"{"icc":"\#(Self.active)"}"#)
            _ = try await Self.post(client, "status", #"{"icc":"\#(Self.active)"}"#, authorization: "bearer wrong")
            try await client.execute(uri: "/_simulator/calls", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/_simulator/calls", method: .get, headers: [.authorization: "bearer dev-key"]) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let calls = json?["calls"] as? [[String: Any]] ?? []
                #expect(calls.map { $0["path"] as? String } == ["/api/v1/simcard/block", "/api/v1/simcard/status"])
                #expect(calls.map { $0["code"] as? Int } == [200, 401])
                #expect((calls.first?["jobId"] as? String)?.hasPrefix("job-") == true)
                #expect(calls.first?["icc"] as? String == Self.active)
            }
            try await client.execute(uri: "/_simulator/sims", method: .get, headers: [.authorization: "bearer dev-key"]) { response in
                let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let sims = json?["sims"] as? [[String: Any]] ?? []
                #expect(sims.count == 4)
                #expect(sims.first { $0["icc"] as? String == Self.active }?["status"] as? String == "BLOCKED")
            }
        }
    }
}

extension SimulatorConfiguration {
    static var forTestsWithoutNetwork: SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.jobDuration = .zero
        configuration.randomSeed = 7
        return configuration
    }
}
