import FleetModel
import Foundation
import NexConAPI
@testable import NexConSimulator
import TestSupport
import Testing

@Suite struct SeedsTests {
    @Test func readsJSONListsAndYAMLWithASimsKey() async throws {
        try await withTemporaryDirectory { dir in
            let json = dir.appendingPathComponent("seed.json")
            try #"[{"icc":"89450100250731069754","status":"SUSPENDED","tags":["gps"],"countryCode":"DK","product":{"id":3,"name":"P"}}]"#
                .write(to: json, atomically: true, encoding: .utf8)
            let yaml = dir.appendingPathComponent("seed.yaml")
            try "sims:\n  - icc: 89450100250731069812\n    pool: {id: 7, name: Default pool}\n".write(to: yaml, atomically: true, encoding: .utf8)

            let fromJSON = Seeds.read(path: json.path)
            #expect(fromJSON.diagnostics.isEmpty)
            #expect(fromJSON.sims == [SimulatedSIM(icc: "89450100250731069754", status: "SUSPENDED", tags: ["gps"],
                                                   countryCode: "DK", product: NamedRef(id: 3, name: "P"))])
            let fromYAML = Seeds.read(path: yaml.path)
            #expect(fromYAML.diagnostics.isEmpty)
            #expect(fromYAML.sims == [SimulatedSIM(icc: "89450100250731069812", status: "INACTIVE", pool: NamedRef(id: 7, name: "Default pool"))])
        }
    }

    @Test func reportsEveryBadRecordWithItsLocation() async throws {
        try await withTemporaryDirectory { dir in
            let yaml = dir.appendingPathComponent("seed.yaml")
            try """
            - {icc: "89450100250731069754", product: {id: x, name: P}}
            - {status: ACTIVATED}
            - {icc: "89450100250731069754"}
            - 42
            """.write(to: yaml, atomically: true, encoding: .utf8)
            let read = Seeds.read(path: yaml.path)
            #expect(read.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.code.rawValue)" } == [
                "1:42 SF-SEED-SHAPE", "2:3 SF-ICC-MISSING", "3:9 SF-ICC-DUPLICATE", "4:3 SF-SEED-SHAPE",
            ])
            #expect(read.diagnostics[2].notes == [Diagnostic.Note(at: SourceLocation(path: yaml.path, line: 1, column: 9), "first seeded here")])
        }
    }

    @Test func manifestSeedsAreDeterministicAndCoverEveryStatus() {
        let iccs = TestICC.numbers(200)
        let desired = iccs.enumerated().map { index, icc in
            DesiredSIM(icc: icc, state: SIMState.allCases[index % 4], location: SourceLocation(path: "m.yaml", line: 1, column: 1))
        }
        let first = Seeds.fromManifests(desired)
        #expect(first == Seeds.fromManifests(desired))
        #expect(Set(first.map(\.status)) == ["INACTIVE", "ACTIVATED", "BLOCKED", "TERMINATED"])
        // Every live status is one the declared state can be reached from.
        let reachable: [SIMState: Set<String>] = [
            .active: ["ACTIVATED", "INACTIVE", "BLOCKED"], .blocked: ["BLOCKED", "ACTIVATED", "INACTIVE"],
            .inactive: ["INACTIVE"], .terminated: ["TERMINATED", "ACTIVATED", "BLOCKED", "INACTIVE"],
        ]
        for (sim, live) in zip(desired, first) { #expect(reachable[sim.state]!.contains(live.status)) }
        #expect(first.allSatisfy { $0.live.countryCode == "DK" && $0.live.msisdn?.count == 10 })
    }

    @Test func savedStateWinsOverSeedsWhichWinOverManifests() {
        let icc = "89450100250731069754"
        let fleet = SimulatorFleet.assemble(
            saved: [SimulatedSIM(icc: icc, status: "BLOCKED")],
            seeds: [SimulatedSIM(icc: icc, status: "INACTIVE"), SimulatedSIM(icc: "89450100250731069812", status: "INACTIVE")],
            manifests: [SimulatedSIM(icc: "89450100250731069812", status: "ACTIVATED"), SimulatedSIM(icc: "89450100250731069937", status: "ACTIVATED")]
        )
        #expect(fleet.map(\.status) == ["BLOCKED", "INACTIVE", "ACTIVATED"])
    }
}
