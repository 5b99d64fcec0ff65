import FleetModel
import Manifests
import TestSupport
import Testing
import Views

@Suite struct ConfigFileTests {
    @Test func extendsTheStandardStatusMapAndSetsTheBlastRadius() {
        let (config, diagnostics) = SimfleetConfig.parse(path: "simfleet.yaml", bytes: Array("""
            statusMap:
              active: [LIVE]
              pending: [queued]
            blastRadius: {percent: 25, minimum: 2}
            """.utf8))
        #expect(diagnostics.isEmpty)
        #expect(config.statusMapping.state(for: "live") == .active)
        #expect(config.statusMapping.state(for: "QUEUED") == .pending)
        #expect(config.statusMapping.state(for: "ACTIVATED") == .active)
        #expect(config.blastRadiusPercent == 25)
        #expect(config.blastRadiusMinimum == 2)
    }

    @Test func replaceKeepsOnlyTheListedWords() {
        let (config, diagnostics) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("statusMap: {replace: true, active: [ON]}\n".utf8))
        #expect(diagnostics.isEmpty)
        #expect(config.statusMapping.state(for: "ON") == .active)
        #expect(config.statusMapping.state(for: "ACTIVATED") == nil)
    }

    @Test func mistakesAreReportedWithTheirPlace() {
        let (_, diagnostics) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("""
            statusMap:
              activ: [X]
              blocked: BLOCKED
              active: [BLOCKED]
            blastRadius: {percent: 300, minumum: 1}
            colour: red
            """.utf8))
        #expect(coded(diagnostics) == [
            "s.yaml:2:3: error: SF-KEY-UNKNOWN",
            "s.yaml:3:12: error: SF-CONFIG-STATUSMAP",
            "s.yaml:5:24: error: SF-CONFIG-BLASTRADIUS",
            "s.yaml:5:29: error: SF-KEY-UNKNOWN",
            "s.yaml:6:1: error: SF-KEY-UNKNOWN",
        ])
        Golden.check(diagnostics.map { $0.formatted + "\n" }.joined(), matches: "config-mistakes.txt", in: Golden.fixtures())
    }

    @Test func aWordMappedTwiceIsAnError() {
        let (_, diagnostics) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("statusMap: {active: [ON], blocked: [on]}\n".utf8))
        #expect(coded(diagnostics) == ["s.yaml:1:12: error: SF-CONFIG-STATUSMAP"])
    }

    @Test func missingDefaultFileIsAnEmptyConfig() {
        let (config, diagnostics) = SimfleetConfig.load(path: "/nonexistent/simfleet.yaml", required: false)
        #expect(diagnostics.isEmpty && config == SimfleetConfig())
        #expect(SimfleetConfig.load(path: "/nonexistent/simfleet.yaml", required: true).diagnostics.count == 1)
    }
}
