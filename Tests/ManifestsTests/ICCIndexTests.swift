import FleetModel
@testable import Manifests
import Testing
import TestSupport

/// The fleet's duplicate check: every ICC found again at its first index, through growth.
@Suite struct ICCIndexTests {
    @Test(arguments: [0, 1, 7, 20_000])
    func everyICCIsFoundAtItsFirstIndex(capacity: Int) {
        let count = 20_000
        let sims = (1...count).map { Fleet.sim($0, .active) }
        var index = ICCIndex(capacity: capacity)
        var kept: [DesiredSIM] = []
        for sim in sims {
            #expect(index.firstIndex(of: sim.icc, orInsert: kept.count, in: kept) == nil)
            kept.append(sim)
        }
        for (position, sim) in sims.enumerated() where position % 997 == 0 {
            #expect(index.firstIndex(of: sim.icc, orInsert: kept.count, in: kept) == position)
        }
    }

    /// ICCs that differ only in leading zeros or length are different SIMs.
    @Test func lengthAndLeadingZerosCount() {
        let iccs = ["8944110063009871555", "89441100630098715550", "0894411006300987155"].map { ICC(unchecked: $0) }
        let sims = iccs.map { DesiredSIM(icc: $0, state: .active, location: SourceLocation(path: "m.yaml")) }
        var index = ICCIndex(capacity: 0)
        var kept: [DesiredSIM] = []
        for sim in sims {
            #expect(index.firstIndex(of: sim.icc, orInsert: kept.count, in: kept) == nil)
            kept.append(sim)
        }
    }
}
