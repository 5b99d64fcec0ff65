import Foundation
import TestSupport
import Testing

@Suite struct ValidateCommandTests {
    @Test func exampleManifestsAreValid() async throws {
        let result = try await Simfleet.run(["validate"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Valid: "))
        #expect(result.stdout.hasSuffix(" in 3 manifest files.\n"))
    }

    @Test func brokenCopyFailsWithEveryProblemAndExitsOne() async throws {
        try await withTemporaryDirectory { dir in
            let copy = dir.appendingPathComponent("manifests")
            try FileManager.default.copyItem(at: Golden.packageRoot().appendingPathComponent("manifests"), to: copy)
            let meters = copy.appendingPathComponent("meters.yaml")
            var text = try String(contentsOf: meters, encoding: .utf8)
            text = text.replacingOccurrences(of: "89460200311200044252", with: "89460200311200044253")
            text = text.replacingOccurrences(of: "state: blocked", with: "state: blokced")
            try text.write(to: meters, atomically: true, encoding: .utf8)

            let result = try await Simfleet.run(["validate", "manifests"], in: dir)
            #expect(result.status == 1)
            #expect(result.stdout == """
                manifests/meters.yaml:12:11: error: ICC '89460200311200044253' fails its Luhn check: the last digit should be 2, not 3; look for transposed or mistyped digits
                manifests/meters.yaml:17:12: error: unknown state 'blokced'; did you mean 'blocked'? (valid states: active, blocked, inactive, terminated)
                Invalid: 2 errors in 3 manifest files; fix them and run 'simfleet validate' again.

                """)

            let github = try await Simfleet.run(["validate", "--format", "github", "manifests"], in: dir)
            #expect(github.status == 1)
            #expect(github.stdout.hasPrefix("::error file=manifests/meters.yaml,line=12,col=11,title=SF-ICC-CHECKDIGIT::ICC '89460200311200044253' fails"))

            let json = try await Simfleet.run(["validate", "--format", "json", "manifests"], in: dir)
            #expect(json.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["valid"] as? Bool == false)
            #expect(object["formatVersion"] as? Int == 2)
            let codes = (object["diagnostics"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes == ["SF-ICC-CHECKDIGIT", "SF-STATE-UNKNOWN"])
            #expect(object["sims"] == nil)
        }
    }

    @Test func jsonGivesTheResolvedFleet() async throws {
        let result = try await Simfleet.run(["validate", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let sims = try #require(object["sims"] as? [[String: Any]])
        let truck = try #require(sims.first { $0["name"] as? String == "truck-045" })
        #expect(truck["state"] as? String == "blocked")
        #expect(truck["labels"] as? [String: String] == ["fleet": "trucks", "country": "dk", "depot": "odense"])
        let source = try #require(truck["source"] as? [String: Any])
        #expect(source["path"] as? String == "manifests/vehicles/trucks.yaml")
    }

    @Test func missingPathExitsOne() async throws {
        let result = try await Simfleet.run(["validate", "no-such-folder"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("no-such-folder: error: no such file or folder"))
    }

    @Test func unknownFormatIsAUsageError() async throws {
        let result = try await Simfleet.run(["validate", "--format", "xml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--format"))
    }

    @Test func schemaIsJSON() async throws {
        let result = try await Simfleet.run(["schema"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["title"] as? String == "simfleet manifest, version 1")
    }
}
