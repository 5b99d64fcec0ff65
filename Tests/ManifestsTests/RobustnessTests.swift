import FleetModel
import Manifests
import TestSupport
import Testing

/// No input may crash the loader or make it hang.
@Suite struct RobustnessTests {
    static let seed = Array("""
        version: 1
        defaults: {state: active, labels: {fleet: trucks}}
        sims:
          - icc: "89450100250731069754"
            name: truck-1
            labels: {depot: "aarhus"}
            expect: {countryCode: DK, tags: [gps], product: {id: 12}}
          - {icc: 89450100250731069812, state: blocked, protect: true}
        """.utf8)

    /// Deterministic mutations: flips, deletions and insertions of YAML's special bytes.
    @Test(arguments: 0..<40)
    func mutatedManifestsNeverCrash(round: Int) {
        var generator = SeededGenerator(seed: UInt64(round))
        let specials = Array("{}[]:-&*!|>'\"#%@`,?\t\n \u{0}\u{FF}".utf8)
        for _ in 0..<50 {
            var bytes = Self.seed
            for _ in 0...(generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = specials[Int(generator.next() % UInt64(specials.count))]
                case 1: bytes.remove(at: index)
                default: bytes.insert(specials[Int(generator.next() % UInt64(specials.count))], at: index)
                }
            }
            let set = ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", bytes: bytes)])
            // Every problem has a place and a message.
            for diagnostic in set.diagnostics {
                #expect(diagnostic.location.line >= 1)
                #expect(!diagnostic.message.isEmpty)
            }
        }
    }

    @Test func deepNestingIsReportedNotRecursedInto() {
        let depth = 5_000
        let text = "sims:\n  - icc: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let set = ManifestLoader.load(sources: [ManifestSource(path: "deep.yaml", text: text)])
        #expect(coded(set.diagnostics) == ["deep.yaml:2:10: error: SF-VALUE-TYPE", "deep.yaml:2:71: error: SF-YAML-DEPTH"])
    }

    @Test func billionLaughsIsRejectedWithoutExpansion() {
        var text = "a0: &a0 [lol]\n"
        for level in 1...30 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ","))]\n"
        }
        let set = ManifestLoader.load(sources: [ManifestSource(path: "lol.yaml", text: text)])
        let refused = set.diagnostics.filter { $0.code == .yamlUnsupported }
        #expect(refused.contains { $0.location.line == 1 && $0.message.hasPrefix("anchors (&a0)") })
        #expect(refused.contains { $0.location.line == 2 && $0.message.hasPrefix("aliases (*a0)") })
        #expect(set.diagnostics.allSatisfy { $0.code == .yamlUnsupported || $0.code == .keyUnknown })
        #expect(set.sims.isEmpty)
    }

    @Test func aliasAsAKeyIsReportedOnce() {
        let set = ManifestLoader.load(sources: [ManifestSource(path: "k.yaml", text: "x: &k icc\nsims:\n  - {*k : 1}\n")])
        // The anchor on line 1, and the alias key once, not again as a key and a value.
        #expect(coded(set.diagnostics.filter { $0.code == .yamlUnsupported }).map { $0.prefix(8) } == ["k.yaml:1", "k.yaml:3"])
    }
}
