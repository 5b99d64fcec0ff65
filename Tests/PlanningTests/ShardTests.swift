import FleetModel
import Planning
import TestSupport
import Testing
import Views

/// `--shard K/N`: one Nth of the fleet by ICC, the same for a SIM whatever else changes.
@Suite struct ShardTests {
    static let fleet = (1...3_000).map { Fleet.sim($0, .active) }

    @Test(arguments: [1, 2, 7, 31])
    func shardsPartitionTheFleet(count: Int) {
        var seen: [ICC: Int] = [:]
        for index in 1...count {
            let shard = Shard(index: index, count: count)!
            let (selected, _) = Targeting(shard: shard).select(Self.fleet)
            for sim in selected { seen[sim.icc, default: 0] += 1 }
            // Balanced within a wide margin: a hash, not a sort, decides.
            #expect(Double(selected.count) > Double(Self.fleet.count) / Double(count) * 0.6)
        }
        #expect(seen.count == Self.fleet.count)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func aSIMStaysInItsShardWhenTheFleetChanges() {
        let shard = Shard(index: 3, count: 7)!
        let before = Set(Targeting(shard: shard).select(Self.fleet).selected.map(\.icc))
        let smaller = Array(Self.fleet.dropFirst(1_000).reversed())
        let after = Set(Targeting(shard: shard).select(smaller).selected.map(\.icc))
        #expect(after == before.intersection(smaller.map(\.icc)))
    }

    @Test(arguments: [("3/7", "3/7"), ("1/1", "1/1"), ("0/7", nil), ("8/7", nil), ("3/0", nil), ("3", nil), ("a/b", nil),
                      ("3/7/1", nil), ("-1/7", nil), ("3/10001", nil), ("٣/٧", nil), ("", nil)] as [(String, String?)])
    func parsing(_ text: String, _ expected: String?) {
        #expect(Shard(text)?.description == expected)
    }

    @Test func theScopeSaysWhichShard() {
        let scope = PlanScope(paths: ["manifests"], shard: Shard(index: 3, count: 7), unselected: 85_714)
        #expect(scope.isPartial)
        #expect(scope.partialSentences == ["Partial plan: only SIMs matching shard 3/7 (about 1 in 7 SIMs, chosen by ICC); 85,714 other SIMs not checked."])
    }
}
