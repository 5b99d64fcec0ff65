import FleetModel
import Planning
import TestSupport
import Testing

/// What `simfleet import` declares for each live status, and what it leaves out.
@Suite struct AdoptionTests {
    static let facts: [String: JSONValue] = ["msisdn": .string("+45 2012-3456"), "product": .object(["name": .string("IoT Nordic 1GB")])]

    @Test(arguments: [
        ("ACTIVATED", "active"), ("activated", "active"), ("BLOCKED", "blocked"), ("INACTIVE", "inactive"), ("TERMINATED", "terminated"),
        ("ACTIVATING", "left out: a job is in progress (live status ACTIVATING); import it again when it has ended"),
        ("PARKED", "left out: unrecognised live status 'PARKED'; map it under 'statusMap:' in simfleet.yaml if you know what it means"),
    ])
    func liveStatuses(_ status: String, _ expected: String) {
        let decided = Adoption.decide(Fleet.icc(1), name: "n", observation: Fleet.live(status, Self.facts), mapping: .standard)
        switch decided {
        case .success(let sim):
            #expect(sim.state.rawValue == expected)
            #expect(sim.msisdnTail == "3456")
            #expect(sim.product == "IoT Nordic 1GB")
            #expect(sim.name == "n")
        case .failure(let left):
            #expect("left out: " + left.reason == expected)
        }
    }

    @Test func unreadSIMsAreLeftOutWithTheirReason() {
        let cases: [(Observation?, String)] = [
            (nil, "its live status was not read"),
            (.notFound, "not found in this account; check the ICC, or that the API key belongs to the account that owns it"),
            (.failed("HTTP 500"), "could not read its live status: HTTP 500; import it again later"),
        ]
        for (observation, reason) in cases {
            #expect(Adoption.decide(Fleet.icc(1), name: nil, observation: observation, mapping: .standard) == .failure(Adoption.LeftOut(icc: Fleet.icc(1), reason: reason)))
        }
        // A short or missing MSISDN shows nothing rather than a guess.
        let short = Adoption.decide(Fleet.icc(1), name: nil, observation: Fleet.live("ACTIVATED", ["msisdn": .number("123")]), mapping: .standard)
        #expect((try? short.get())?.msisdnTail == nil)
    }
}
