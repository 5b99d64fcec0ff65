import Foundation
import TestSupport
import Testing

/// The binary run on manifest paths as people type them. Each form names the example
/// fleet, so each must validate, plan and show it the same way, and never crash.
@Suite struct PathFormsTests {
    /// (folder to run in, relative to a scratch folder; the path argument; where the
    /// examples live, relative to the scratch folder).
    static let forms: [(run: String, path: String, fleet: String)] = [
        ("m", ".", "m"),
        ("m/sub", "..", "m"),
        ("", "m", "m"),
        ("", "m/", "m"),
        ("", "./m", "m"),
        ("other", "../m", "m"),
        ("", "ABSOLUTE/m", "m"),
        ("", "my fleet", "my fleet"),
        ("", "flåde ü", "flåde ü"),
        ("", "m/meters.yaml", "m"),
        ("m", "meters.yaml", "m"),
        ("x", ".", "x"),
    ]

    @Test(arguments: forms) func everyCommandTakesThePath(_ run: String, _ path: String, _ fleet: String) async throws {
        try await withTemporaryDirectory { dir in
            let examples = Golden.scratchWithExamples()
            defer { try? FileManager.default.removeItem(at: examples) }
            try FileManager.default.copyItem(at: examples.appendingPathComponent("manifests"), to: dir.appendingPathComponent(fleet))
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(run.isEmpty ? "." : run), withIntermediateDirectories: true)
            let folder = run.isEmpty ? dir : dir.appendingPathComponent(run)
            let argument = path.hasPrefix("ABSOLUTE/") ? dir.appendingPathComponent(String(path.dropFirst("ABSOLUTE/".count))).path : path
            let single = path.hasSuffix(".yaml")

            let validate = try await Simfleet.run(["validate", argument], in: folder)
            #expect(validate.status == 0, "validate \(argument) in \(run): \(validate.stdout)\(validate.stderr)")
            #expect(validate.stdout.hasPrefix(single ? "Valid: 7 SIMs in 1 manifest file." : "Valid: 20 SIMs in 3 manifest files."), "\(validate.stdout)")

            let planPath = dir.appendingPathComponent("plan.json").path
            let plan = try await Simfleet.run(["plan", argument, "--simulator", "--no-progress", "--out", planPath], in: folder)
            #expect(plan.status == 0, "plan \(argument) in \(run): \(plan.stderr)")
            #expect(plan.stdout.contains(single ? "Plan: " : "Plan: 3 to activate, 2 to block, 4 to restore, 1 to terminate (1 refused)."), "\(plan.stdout)")

            let show = try await Simfleet.run(["show", planPath], in: folder)
            #expect(show.status == 0, "show in \(run): \(show.stderr)")
            #expect(show.stdout.contains("Plan: "), "\(show.stdout)")
        }
    }
}
