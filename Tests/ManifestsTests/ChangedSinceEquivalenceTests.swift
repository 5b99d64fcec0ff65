import FleetModel
@testable import Manifests
import Planning
import Testing
import TestSupport

/// `--changed-since` compares the base and the history with the work tree entry by entry;
/// for any history, it must plan exactly the SIMs that decoding every version whole plans.
@Suite struct ChangedSinceEquivalenceTests {
    struct Entry {
        var number: Int
        var state = "active"
        var protect = false
        var note: String?
        var name: String?
        var flow = false

        var text: String {
            let icc = TestICC.number(number)
            if flow { return "  - {icc: \"\(icc)\", state: \(state)\(protect ? ", protect: true" : "")}\n" }
            var lines = "  - icc: \"\(icc)\"\n    state: \(state)\n"
            if protect { lines += "    protect: true\n" }
            if let name { lines += "    name: \(name)\n" }
            if let note { lines += "    note: \(note)\n" }
            return lines
        }
    }

    struct Manifest {
        var defaultProtect = false
        var entries: [Entry]
        var anchor = false

        var bytes: [UInt8] {
            var text = "version: 1\ndefaults:\n  labels: {fleet: a}\n"
            if defaultProtect { text += "  protect: true\n" }
            if anchor { text += "  note: &n shared\n" }
            return Array((text + "sims:\n" + entries.map(\.text).joined()).utf8)
        }
    }

    /// One random edit, of the kinds a pull request makes.
    static func edit(_ manifest: inout Manifest, next: inout Int, _ random: inout SeededGenerator) {
        let states = ["active", "blocked", "inactive", "terminated"]
        guard !manifest.entries.isEmpty else { manifest.entries.append(Entry(number: next)); next += 1; return }
        let index = Int.random(in: 0..<manifest.entries.count, using: &random)
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1: manifest.entries[index].state = states.randomElement(using: &random)!
        case 2: manifest.entries[index].protect.toggle()
        case 3: manifest.entries[index].note = ["ticket 1", "ticket 2", nil].randomElement(using: &random)!
        case 4: manifest.entries[index].name = ["truck", "van", nil].randomElement(using: &random)!
        case 5: manifest.entries.remove(at: index)
        case 6: manifest.entries.insert(Entry(number: next, state: states.randomElement(using: &random)!), at: index); next += 1
        case 7: manifest.entries.swapAt(index, Int.random(in: 0..<manifest.entries.count, using: &random))
        case 8: manifest.defaultProtect.toggle()
        default: manifest.entries[index].flow.toggle()
        }
        if Int.random(in: 0..<20, using: &random) == 0 { manifest.anchor.toggle() }
    }

    static func changed(work: [UInt8], base: [UInt8], versions: [[UInt8]], byEntry: Bool) -> (changed: [ICC], removed: [ICC]) {
        let selected = ManifestDecoder.decode(path: "m.yaml", bytes: work).sims
        var baseSIMs = ManifestDecoder.decode(path: "m.yaml", bytes: base).sims
        var identical: [String: [Range<Int>]] = [:]
        var history: SIMVersions
        if byEntry {
            if let difference = ManifestVersions.difference(base: ("m.yaml", base), work: work) {
                baseSIMs = difference.sims
                identical["m.yaml"] = difference.identicalLines
            }
            var entries = ManifestVersions()
            entries.workTree([("m.yaml", work)])
            history = SIMVersions(entries.distinctSIMs(of: versions.map { ("m.yaml", $0[...]) }))
        } else {
            history = SIMVersions(versions.flatMap { ManifestDecoder.decode(path: "m.yaml", bytes: $0).sims })
        }
        let changes = ChangeSet.compare(selected: selected, declared: Set(selected.map(\.icc)), identicalFiles: [],
                                        identicalEntries: identical, base: baseSIMs, untrustedFiles: [], history: history)
        return (changes.changed.map(\.icc), changes.removed.map(\.icc))
    }

    @Test(arguments: 0..<300)
    func entryComparisonPlansWhatWholeDecodingPlans(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 1)
        var next = 1
        var manifest = Manifest(entries: (0..<12).map { _ in defer { next += 1 }; return Entry(number: next) })
        let base = manifest.bytes
        var versions: [[UInt8]] = []
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            for _ in 0..<Int.random(in: 1...3, using: &random) { Self.edit(&manifest, next: &next, &random) }
            versions.append(manifest.bytes)
        }
        let work = versions.removeLast()
        let whole = Self.changed(work: work, base: base, versions: versions, byEntry: false)
        let byEntry = Self.changed(work: work, base: base, versions: versions, byEntry: true)
        #expect(byEntry.changed == whole.changed, "seed \(seed)")
        #expect(byEntry.removed == whole.removed, "seed \(seed)")
    }
}
