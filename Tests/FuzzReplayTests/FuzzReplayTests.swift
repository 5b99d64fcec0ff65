import Foundation
import FuzzChecks
import Testing

/// Every input fuzzing saved (crashes it found, and the seeds) is replayed on each run,
/// with the same checks the harnesses apply.
@Suite struct FuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func cases(_ name: String) -> [URL] {
        ["Seeds", "Crashes"].flatMap { folder in
            let directory = root.appendingPathComponent(folder).appendingPathComponent(name)
            return ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
                .filter { !$0.lastPathComponent.hasPrefix(".") }
        }
    }

    @Test(arguments: FuzzChecks.all.map(\.name))
    func savedInputsPassTheHarnessChecks(name: String) throws {
        let check = FuzzChecks.all.first { $0.name == name }!.check
        let inputs = Self.cases(name)
        #expect(!inputs.isEmpty, "no seeds for \(name)")
        for input in inputs { check(Array(try Data(contentsOf: input))) }
    }
}
