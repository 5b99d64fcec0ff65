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

    @Test func readsThePolicyRules() {
        let (config, diagnostics) = SimfleetConfig.parse(path: "simfleet.yaml", bytes: Array("""
            policy:
              - name: production SIMs are never terminated here
                match: {env: prod}
                deny: [terminate]
              - name: ambulances change slowly
                match: {fleet: ambulances}
                maxSteps: 5
                requireNote: [block]
              - name: no changes in the Friday freeze
                match: {}
                freeze: {days: [fri], from: "15:00", to: "23:59", timezone: Europe/Copenhagen}
                mode: warn
            """.utf8))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(config.policy == [
            PolicyRule(name: "production SIMs are never terminated here", match: ["env": "prod"], deny: [.terminate],
                       location: SourceLocation(path: "simfleet.yaml", line: 2, column: 5)),
            PolicyRule(name: "ambulances change slowly", match: ["fleet": "ambulances"], maxSteps: 5, requireNote: [.block],
                       location: SourceLocation(path: "simfleet.yaml", line: 5, column: 5)),
            PolicyRule(name: "no changes in the Friday freeze", freeze: FreezeWindow(days: [.fri], from: 900, to: 1439, timeZone: "Europe/Copenhagen"),
                       mode: .warn, location: SourceLocation(path: "simfleet.yaml", line: 9, column: 5)),
        ])
    }

    /// Every mistake in the policy is reported at once, each at its own line, and a rule
    /// with a mistake is not kept.
    @Test func policyMistakesAreReportedWithTheirPlace() {
        let (config, diagnostics) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("""
            policy:
              - name: ""
                deny: [terminate]
              - name: typo
                deny: [terminat, explode]
                colour: red
              - name: times
                freeze: {days: [fri, funday], from: "25:00", to: 1530, timezone: Mars/Olympus}
              - name: budget
                maxSteps: 0
                mode: maybe
                match: [env]
              - name: budget
                maxSteps: 3
              - name: idle
                match: {env: prod}
              - name: no zone
                freeze: {from: "09:00", to: "10:00"}
              - just text
            """.utf8))
        #expect(config.policy.isEmpty)
        #expect(coded(diagnostics) == [
            "s.yaml:2:11: error: SF-CONFIG-POLICY",
            "s.yaml:5:12: error: SF-CONFIG-POLICY",
            "s.yaml:5:22: error: SF-CONFIG-POLICY",
            "s.yaml:6:5: error: SF-KEY-UNKNOWN",
            "s.yaml:8:26: error: SF-CONFIG-FREEZE",
            "s.yaml:8:41: error: SF-CONFIG-FREEZE",
            "s.yaml:8:54: error: SF-CONFIG-FREEZE",
            "s.yaml:8:70: error: SF-CONFIG-FREEZE",
            "s.yaml:10:15: error: SF-CONFIG-POLICY",
            "s.yaml:11:11: error: SF-CONFIG-POLICY",
            "s.yaml:12:12: error: SF-CONFIG-POLICY",
            "s.yaml:13:5: error: SF-CONFIG-POLICY",
            "s.yaml:15:5: error: SF-CONFIG-POLICY",
            "s.yaml:18:13: error: SF-CONFIG-FREEZE",
            "s.yaml:19:5: error: SF-CONFIG-POLICY",
        ])
        Golden.check(diagnostics.map { $0.formatted + "\n" }.joined(), matches: "policy-mistakes.txt", in: Golden.fixtures())
    }

    /// A freeze names the actions it holds back; every action when it names none.
    @Test func aFreezeNamesTheActionsItHolds() {
        let (config, diagnostics) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("""
            policy:
              - name: weekend
                freeze: {days: [sat, sun], from: "00:00", to: "23:59", timezone: UTC, actions: [activate, restore, terminate]}
              - name: all day
                freeze: {from: "00:00", to: "23:59", timezone: UTC}
            """.utf8))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(config.policy.map { $0.freeze?.actions } == [[.activate, .restore, .terminate], Set(SIMAction.allCases)])
        #expect(config.policy.first?.freeze?.summary == "sun,sat 00:00–23:59 UTC (activate, restore, terminate)")
        let (_, mistakes) = SimfleetConfig.parse(path: "s.yaml", bytes: Array("""
            policy:
              - name: empty
                freeze: {from: "00:00", to: "23:59", timezone: UTC, actions: []}
              - name: typo
                freeze: {from: "00:00", to: "23:59", timezone: UTC, actions: [blok]}
            """.utf8))
        #expect(mistakes.map(\.formatted) == [
            "s.yaml:3:66: error: 'freeze.actions' is empty, so the freeze holds nothing back; name the actions it holds, such as [activate, restore], or leave it out for all",
            "s.yaml:5:67: error: 'blok' in 'freeze.actions' is not an action (valid: activate, block, restore, terminate); did you mean 'block'?",
        ])
        #expect(coded(mistakes) == ["s.yaml:3:66: error: SF-CONFIG-FREEZE", "s.yaml:5:67: error: SF-CONFIG-FREEZE"])
    }
}
