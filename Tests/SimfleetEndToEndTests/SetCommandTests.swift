import Foundation
import TestSupport
import Testing

/// `simfleet set`: the built binary edits manifests in place, or writes nothing.
@Suite struct SetCommandTests {
    static let manifest = """
        # Trucks, Aarhus depot.
        version: 1
        defaults:
          state: active   # most trucks drive
        sims:
          - icc: "89450100250731069754"   # truck-042
            name: truck-042
          - {icc: "89450100250731069937", name: truck-044}
          - icc: "89450100250731070026"
            state: active
            protect: true

        """

    static func folder(_ dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("manifests/a.yaml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(Self.manifest.utf8).write(to: file)
        return file
    }

    @Test func changesOnlyTheLinesItMust() async throws {
        try await withTemporaryDirectory { dir in
            let file = try Self.folder(dir)
            let result = try await Simfleet.run(["set", "89450100250731069754", "89450100250731069937", "--state", "blocked", "--note", "stolen, OPS-9"], in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasSuffix("Edited 2 SIMs in 1 file; nothing was sent. Commit the change, and plan it.\n"))
            let after = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let before = Self.manifest.split(separator: "\n", omittingEmptySubsequences: false)
            // Two lines added for the block entry; one line changed for the flow entry; nothing else.
            #expect(after.count == before.count + 2)
            #expect(Array(after[0..<6]) == Array(before[0..<6]))
            #expect(after[6] == "    state: blocked" && after[7] == "    note: \"stolen, OPS-9\"")
            #expect(after[9] == "  - {icc: \"89450100250731069937\", name: truck-044, state: blocked, note: \"stolen, OPS-9\"}")
            #expect(Array(after[10...]) == Array(before[8...]))
            #expect(try await Simfleet.run(["validate"], in: dir).status == 0)
        }
    }

    @Test(arguments: [
        (["89450100250731070778", "--state", "blocked"], "ICC 89450100250731070778 is not declared in manifests; set edits declared SIMs only"),
        (["89450100250731070026", "--state", "terminated"], "after the edit: "),
    ])
    func writesNothingWhenItCannot(arguments: [String], message: String) async throws {
        try await withTemporaryDirectory { dir in
            let file = try Self.folder(dir)
            let result = try await Simfleet.run(["set"] + arguments, in: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.contains("Nothing was written") || result.stderr.contains("nothing was written"))
            #expect(try String(contentsOf: file, encoding: .utf8) == Self.manifest)
        }
    }
}
