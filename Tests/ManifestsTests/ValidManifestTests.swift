import FleetModel
import Foundation
@testable import Manifests
import TestSupport
import Testing
import Views

@Suite struct ValidManifestTests {
    static let fixtures = Golden.fixtures()

    @Test(arguments: ["defaults"])
    func resolvesToGoldenJSON(name: String) throws {
        let path = "valid/\(name).yaml"
        let bytes = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent(path)))
        let set = ManifestLoader.load(sources: [ManifestSource(path: path, bytes: bytes)])
        #expect(set.diagnostics.isEmpty)
        Golden.check(String(decoding: ValidateView.json(set), as: UTF8.self), matches: "valid/\(name).json", in: Self.fixtures)
    }

    @Test func appliesDefaultsAndMergesLabels() throws {
        let bytes = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent("valid/defaults.yaml")))
        let sims = ManifestLoader.load(sources: [ManifestSource(path: "d.yaml", bytes: bytes)]).sims
        #expect(sims.map(\.icc.digits) == ["89450100250731069754", "89450100250731069812", "8944110063009871555", "89450100250731069937"])
        #expect(sims.map(\.state) == [.active, .blocked, .inactive, .terminated])
        #expect(sims[0].labels == ["fleet": "trucks", "country": "dk"])
        #expect(sims[1].labels == ["fleet": "vans", "country": "dk", "depot": "odense"])
        #expect(sims[0].protect && !sims[1].protect)
        #expect(sims[0].callbackURL == "https://ops.example.com/jobs")
        #expect(sims[1].callbackURL == "http://127.0.0.1:9000/hook")
        #expect(sims[1].expect == ["countryCode": .text("DK"), "tags": .list([.text("gps")]), "product": .mapping(["id": .text("12")])])
        #expect(sims[3].labels == ["fleet": "retired"])
        #expect(sims[0].stateLocation == SourceLocation(path: "d.yaml", line: 4, column: 10))
        #expect(sims[1].stateLocation == SourceLocation(path: "d.yaml", line: 13, column: 12))
        #expect(sims[0].location == SourceLocation(path: "d.yaml", line: 10, column: 5))
    }

    @Test(arguments: ["", "\n", "# only a comment\n", "---\n", "---\n...\n", "sims: []\n"])
    func emptyInputIsFine(text: String) {
        let set = ManifestLoader.load(sources: [ManifestSource(path: "e.yaml", text: text)])
        #expect(set.diagnostics.isEmpty)
        #expect(set.sims.isEmpty)
    }

    @Test func exampleFleetIsValidAndCoversEveryState() async {
        let root = Golden.packageRoot().appendingPathComponent("manifests").path
        let set = await ManifestLoader.load(paths: [root])
        #expect(set.diagnostics.isEmpty)
        #expect(set.sims.count >= 20)
        #expect(Set(set.sims.map(\.state)) == Set(SIMState.allCases))
    }
}
