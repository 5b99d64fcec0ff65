import FleetModel
import Planning
import Testing

/// The digest that binds a saved plan to its manifests.
@Suite struct ManifestDigestTests {
    @Test func anEmptyFleetHashesToTheSHA256OfNothing() {
        #expect(ManifestDigest.of([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func orderAndLocationsDoNotCountButValuesDo() {
        let sims = (0..<5).map { Fleet.sim($0, .active) }
        let digest = ManifestDigest.of(sims)
        #expect(digest.count == 64 && digest.allSatisfy(\.isHexDigit))
        var moved = sims.reversed().map { $0 }
        moved[0].location = SourceLocation(path: "elsewhere.yaml", line: 99, column: 1)
        #expect(ManifestDigest.of(moved) == digest)
        var protected = sims
        protected[2].protect = true
        #expect(ManifestDigest.of(protected) != digest)
        var renamed = sims
        renamed[2].name = "other"
        #expect(ManifestDigest.of(renamed) != digest)
    }
}
