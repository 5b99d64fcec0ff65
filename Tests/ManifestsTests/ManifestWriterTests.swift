import FleetModel
import Manifests
import TestSupport
import Testing
import Views

/// What `simfleet import` writes reads back as written, whatever the names hold.
@Suite struct ManifestWriterTests {
    @Test(arguments: ["plain", "truck, \"the big one\"", "back\\slash", "colon: # hash", "two\nlines", "tab\there", "\u{1B}[31m red",
                      "emoji 🚚", "'single'", "- dash", "{not: a map}", "\u{2028}separator", "trailing space ", ""])
    func namesReadBack(_ name: String) {
        let entry = ManifestWriter.Entry(icc: TestICC.number(1), name: name, state: .blocked,
                                         comment: "Evil\nsims:\n  - icc: \"x\" \u{1B}[2J")
        let text = ManifestWriter.manifest([entry], header: ["first line\nsecond: line"])
        let set = ManifestLoader.load(sources: [ManifestSource(path: "import.yaml", text: text)])
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics.map(\.formatted))\n\(text)")
        #expect(set.sims.map(\.name) == [name])
        #expect(set.sims.map(\.state) == [.blocked])
        #expect(text.split(separator: "\n").count == 6, "the comments stay on their lines")
    }
}
