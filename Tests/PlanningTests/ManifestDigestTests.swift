import FleetModel
import Planning
import TestSupport
import Testing

/// The digest that binds a saved plan to its manifests.
@Suite struct ManifestDigestTests {
    /// SHA-256 of "simfleet-manifest-digest/1\n" alone.
    @Test func anEmptyFleetHashesTheVersionLineAlone() {
        #expect(ManifestDigest.of([]) == "636ce485e8089a08b3add71559e00cc606ec3aacdb080d9008b1f69645e69080")
    }

    /// Three SIMs with every optional field, in a fixed answer (checked against a separate
    /// implementation of the form in Python's hashlib): if this changes, saved
    /// plans stop matching, so `ManifestDigest.version` and the plan format must change too.
    @Test func knownAnswer() {
        var first = Fleet.sim(1, .blocked, name: "truck-042 | 🚚")
        first.labels = ["depot": "aarhus", "fleet": "trucks"]
        first.protect = true
        first.callbackURL = "https://ops.example.com/hooks?x=1"
        first.expect = ["countryCode": .text("DK"), "tags": .list([.text("gps"), .text("eu")]),
                        "product": .mapping(["id": .text("7"), "name": .text("IoT 1GB")])]
        first.note = "stolen, ticket OPS-1234\nsecond line"
        var second = Fleet.sim(2, .terminated, name: "")
        second.note = ""
        let third = Fleet.sim(3, .inactive)
        #expect(ManifestDigest.of([third, first, second]) == "29fd5ae35ad227d8a0daabbda126fbee3dc6b02be869e90bff000b7b614bb8a9")
        #expect(ManifestDigest.version == 1)
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
