import FleetModel
import Planning
@testable import Reconciler
import TestSupport
import Testing
@testable import Views

/// Apply's report: long runs of identical outcomes are one line, and the JSON keeps each.
@Suite struct ApplyViewTests {
    static func result(_ n: Int, _ outcome: StepOutcome, _ detail: String) -> StepResult {
        let step = Step(icc: TestICC.number(n), name: "unit-\(n)", action: .activate, from: .inactive, to: .active, wave: 1,
                        location: SourceLocation(path: "fleet.yaml", line: n + 1, column: 5))
        return StepResult(step: step, outcome: outcome, detail: detail, jobId: nil)
    }

    static var interrupted: ApplyReport {
        var results = (0..<20).map { result($0, .confirmed, "confirmed") }
        results.append(result(20, .failed, "job failed; the SIM is back at inactive"))
        results += (21..<488).map { result($0, .skipped, "not started: the run was interrupted") }
        results += (488..<491).map { result($0, .unknown, "no answer within 10m") }
        return ApplyReport(results: results, interrupted: true, target: PlanTarget(kind: .api, url: "https://app.nexcon.io"))
    }

    @Test func anInterruptIsOneLine() {
        let text = Self.interrupted.text()
        #expect(text == """
            Steps that did not converge:
              failed: activate \(TestICC.number(20)) (unit-20): job failed; the SIM is back at inactive
              467 steps not started: the run was interrupted (each is in the JSON report and the journal)
              unknown: activate \(TestICC.number(488)) (unit-488): no answer within 10m
              unknown: activate \(TestICC.number(489)) (unit-489): no answer within 10m
              unknown: activate \(TestICC.number(490)) (unit-490): no answer within 10m

            Apply interrupted: 20 confirmed, 1 failed, 3 unknown, 467 skipped.

            """)
        let markdown = Self.interrupted.markdown()
        #expect(markdown.contains("| skipped | 467 steps | | | not started: the run was interrupted (each is in the JSON report) |\n"))
        #expect(!markdown.contains("unit-300"))
        // The JSON lists every step.
        let json = Self.interrupted.json()
        #expect(json.components(separatedBy: "not started: the run was interrupted").count - 1 == 467)
    }

    @Test func annotationsPointAtTheManifestEntries() {
        let github = Self.interrupted.github()
        #expect(github.hasPrefix("::error file=fleet.yaml,line=21,col=5::activate \(TestICC.number(20)) failed: job failed; the SIM is back at inactive\n"))
        #expect(github.split(separator: "\n").filter { $0.hasPrefix("::error") }.count == 4, "failed and unknown; not the steps never started")
        #expect(github.hasSuffix("Apply interrupted: 20 confirmed, 1 failed, 3 unknown, 467 skipped.\n"))
    }
}
