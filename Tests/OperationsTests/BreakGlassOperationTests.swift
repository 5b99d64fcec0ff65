import FleetModel
import Foundation
import Operations
import Planning
import Reconciler
import TestSupport
import Testing

/// Break glass in-process, in a temporary repository whose simfleet.yaml freezes every
/// action all day: the block goes through, its branch and hold are written, and the next
/// apply of main's manifests does not undo it.
@Suite struct BreakGlassOperationTests {
    /// truck-043: declared active, live active in the examples.
    static let stolen = ICC(unchecked: "89450100250731069812")
    /// truck-044: declared active, live inactive.
    static let inactive = ICC(unchecked: "89450100250731069937")

    static func bench(_ dir: URL) async throws -> (Bench, GitRepository) {
        let repo = try GitRepository.withExamples(at: dir, files: [
            "simfleet.yaml": "policy:\n  - name: frozen all day\n    match: {}\n    freeze: {from: \"00:00\", to: \"23:59\", timezone: UTC}\n",
            ".gitignore": ".simfleet/\n",
        ])
        return (try await Bench(dir, copyExamples: false), repo)
    }

    static func request(_ bench: Bench, _ iccs: [ICC]) -> BreakGlassRequest {
        var request = BreakGlassRequest()
        request.iccs = iccs
        request.parallelism = 1  // see ApplyRequest.sequential
        request.reason = "stolen, OPS-9"
        request.paths = [bench.path("manifests")]
        request.config = bench.path("simfleet.yaml")
        request.run = "4242"
        request.by = "walker"
        request.journal = bench.path("glass.jsonl")
        request.lockPath = bench.path(".simfleet/apply.lock")
        return request
    }

    @Test func aSIMThatIsNotActiveStopsTheWholeRunWithNothingSent() async throws {
        try await withTemporaryDirectory { dir in
            let (bench, repo) = try await Self.bench(dir)
            let said = await bench.stopped(1) {
                _ = try await BreakGlassOperation(Self.request(bench, [Self.stolen, Self.inactive]), context: bench.context).run()
            }
            #expect(said.contains { $0.contains("error: SIM \(Self.inactive) is inactive; break glass blocks only a SIM that is active now") }, "\(said)")
            #expect(said.last == "Nothing was sent.")
            #expect(bench.sent.isEmpty)
            #expect(try repo.run(["branch", "--list", "break-glass/*"]).isEmpty)
        }
    }

    @Test func theBlockPassesTheFreezeAndTheHoldKeepsItThroughTheNextApply() async throws {
        try await withTemporaryDirectory { dir in
            let (bench, repo) = try await Self.bench(dir)
            let glass = try await BreakGlassOperation(Self.request(bench, [Self.stolen]), context: bench.context).run()
            #expect(glass.exitStatus == 0)
            #expect(glass.branch == "break-glass/4242")
            #expect(bench.sent == ["block \(Self.stolen.digits)"])
            #expect(glass.holds.map(\.icc) == [Self.stolen])
            #expect(try repo.run(["tag", "--list", "simfleet/hold/*"]).contains("simfleet/hold/\(Self.stolen.digits)"))
            let declared = try repo.run(["show", "break-glass/4242:manifests/vehicles/trucks.yaml"])
            #expect(declared.contains("break glass by walker, run 4242: stolen, OPS-9"))

            // main still declares truck-043 active; the freeze ended, an apply of main runs.
            try repo.write("simfleet.yaml", "")
            try repo.commit("Lift the freeze")
            var apply = ApplyRequest.sequential
            apply.fleet = bench.fleet
            apply.autoApprove = true
            apply.simulator = true
            apply.journal = bench.path("apply.jsonl")
            apply.lockPath = bench.path(".simfleet/apply.lock")
            let result = try await ApplyOperation(apply, context: bench.context).run()
            let held = result.report.results.first { $0.step.icc == Self.stolen }
            #expect(held?.outcome == .refused)
            #expect(held?.detail.contains("release the hold (simfleet release-hold \(Self.stolen))") == true, "\(held?.detail ?? "")")
            #expect(!bench.sent.contains("restore \(Self.stolen.digits)"))
        }
    }
}
