import FleetModel
@testable import Manifests
import Testing
import TestSupport

/// Versions decoded by their entries give what decoding each whole gives, and parse only
/// the entries that changed.
@Suite struct ManifestVersionsTests {
    /// What a version declares, without locations (which the entry decoder does not keep).
    struct Declared: Equatable, CustomStringConvertible {
        var icc: String, name: String?, state: String, labels: [String: String], protect: Bool, callback: String?, note: String?, expect: [String: ExpectedValue]
        init(_ sim: DesiredSIM) {
            (icc, name, state, labels, protect) = (sim.icc.description, sim.name, sim.state.rawValue, sim.labels, sim.protect)
            (callback, note, expect) = (sim.callbackURL, sim.note, sim.expect)
        }
        var description: String { "\(icc) \(state) \(labels) \(note ?? "")" }
    }

    static func manifest(defaults: String = "  labels: {fleet: a}\n", entries: [String], tail: String = "") -> [UInt8] {
        Array(("version: 1\n# the fleet\ndefaults:\n" + defaults + "sims:\n" + entries.joined() + tail).utf8)
    }

    static func entry(_ n: Int, state: String = "active", extra: String = "") -> String {
        "  - icc: \"\(TestICC.number(n))\"\n    name: unit-\(n)\n    state: \(state)\n" + extra
    }

    static func whole(_ bytes: [UInt8]) -> [Declared] {
        ManifestDecoder.decode(path: "m.yaml", bytes: bytes).sims.map(Declared.init)
    }

    /// Versions of one file as a history makes them: each an edit of the one before.
    static let history: [(String, [UInt8])] = {
        var entries = (1...40).map { entry($0) }
        var versions: [(String, [UInt8])] = [("base", manifest(entries: entries))]
        func add(_ what: String, _ bytes: [UInt8]) { versions.append((what, bytes)) }
        entries[3] = entry(4, state: "blocked"); entries[9] = entry(10, state: "blocked")
        add("two states", manifest(entries: entries))
        entries[3] = entry(4)
        add("one changed back", manifest(entries: entries))
        entries.insert(entry(41, extra: "    labels: {depot: x}\n    note: \"ticket #12: \\\"quoted\\\"\"\n"), at: 20)
        add("an entry added with labels and a note", manifest(entries: entries))
        entries.remove(at: 0)
        add("an entry removed", manifest(entries: entries))
        add("the defaults changed", manifest(defaults: "  labels: {fleet: b}\n  protect: true\n", entries: entries))
        add("a key after the block", manifest(entries: entries, tail: "# end\n"))
        entries[5] = entry(7, extra: "    note: |\n      line one\n      # not a comment\n")
        add("a block scalar", manifest(entries: entries))
        entries[6] = "  - icc: \"\(TestICC.number(8))\"\n    state: &s blocked\n"
        add("an anchor: decoded whole", manifest(entries: entries))
        entries[6] = entry(8)
        entries[7] = "  - {icc: \"\(TestICC.number(9))\", state: blocked, labels: {k: v}}\n"
        add("a flow entry", manifest(entries: entries))
        entries[8] = "  - icc: \"\(TestICC.number(12))\"\n    state: [active\n"
        add("a broken entry: decoded whole", manifest(entries: entries))
        entries[8] = entry(12, state: "terminated", extra: "    protect: true\n")
        add("an entry with an error: decoded whole", manifest(entries: entries))
        add("no line break at the end", manifest(entries: entries) + Array("# x".utf8))
        add("two documents", manifest(entries: entries) + Array("---\nversion: 1\nsims: []\n".utf8))
        return versions
    }()

    @Test func everyVersionDecodesAsItWouldWhole() {
        var decoder = ManifestVersions()
        let results = decoder.sims(of: Self.history.dropFirst().map { ("m.yaml", $0.1[...]) })
        for ((what, bytes), sims) in zip(Self.history.dropFirst(), results) {
            #expect(sims.map(Declared.init) == Self.whole(bytes), "\(what)")
        }
    }

    /// Versions given as slices of one buffer (as git's one answer holds them, each starting
    /// wherever the one before ended) decode as the same versions on their own.
    @Test func versionsAsSlicesOfOneAnswerDecodeTheSame() {
        var answer: [UInt8] = []
        var ranges: [Range<Int>] = []
        for (_, bytes) in Self.history {
            answer += Array("blob \(bytes.count)\n".utf8)
            ranges.append(answer.count..<(answer.count + bytes.count))
            answer += bytes + [0x0A]
        }
        var sliced = ManifestVersions(), whole = ManifestVersions()
        let fromSlices = sliced.sims(of: ranges.map { ("m.yaml", answer[$0]) }).map { $0.map(Declared.init) }
        let fromArrays = whole.sims(of: Self.history.map { ("m.yaml", $0.1[...]) }).map { $0.map(Declared.init) }
        #expect(fromSlices == fromArrays)
        var slicedWork = ManifestVersions(), wholeWork = ManifestVersions()
        slicedWork.workTree([("m.yaml", Self.history[0].1)])
        wholeWork.workTree([("m.yaml", Self.history[0].1)])
        #expect(slicedWork.distinctSIMs(of: ranges.dropFirst().map { ("m.yaml", answer[$0]) }).map(Declared.init)
                == wholeWork.distinctSIMs(of: Self.history.dropFirst().map { ("m.yaml", $0.1[...]) }).map(Declared.init))
    }

    /// Each version on its own, so no other version's entries are cached: still the same.
    @Test func eachVersionAloneDecodesAsItWouldWhole() {
        for (what, bytes) in Self.history {
            var decoder = ManifestVersions()
            #expect(decoder.sims(of: [("m.yaml", bytes[...])]).first?.map(Declared.init) == Self.whole(bytes), "\(what)")
        }
    }

    /// The union of the versions, each entry once: the same SIM versions as all of them.
    @Test func distinctSIMsAreTheUnionOfEveryVersion() {
        let versions = Self.history.map { (path: "m.yaml", bytes: $0.1[...]) }
        var all = ManifestVersions(), distinct = ManifestVersions()
        let every = all.sims(of: versions).flatMap { $0 }.map(Declared.init)
        let once = distinct.distinctSIMs(of: versions).map(Declared.init)
        #expect(once.allSatisfy { every.contains($0) })
        #expect(every.allSatisfy { once.contains($0) })
        // The base and two versions that changed two SIMs and changed one back: 42 entries, not 120.
        var few = ManifestVersions()
        #expect(few.distinctSIMs(of: Array(versions.prefix(3))).count == 42)
    }

    /// Against a work tree that is the base, versions that changed two SIMs of forty and
    /// changed one back parse two entries, and give only those two SIM versions.
    @Test func onlyChangedEntriesAreParsed() {
        var decoder = ManifestVersions()
        decoder.workTree([("m.yaml", Self.history[0].1)])
        let sims = decoder.distinctSIMs(of: [("m.yaml", Self.history[1].1[...]), ("m.yaml", Self.history[2].1[...])])
        #expect(sims.map(\.icc) == [TestICC.number(4), TestICC.number(10)])
        #expect(decoder.entriesParsed == 2)
        #expect(decoder.versionsParsedWhole == 0)
    }

    /// Base against work tree by entry: only the entries the work tree lost are decoded,
    /// at the base's own lines; the rest are named as the work tree's identical lines.
    @Test func theBaseIsComparedWithTheWorkTreeByEntry() throws {
        var entries = (1...10).map { Self.entry($0) }
        let base = Self.manifest(entries: entries)
        entries[2] = Self.entry(3, state: "blocked")            // changed
        entries[4] = Self.entry(5, extra: "    note: renamed\n") // a note only: its text changed
        entries.remove(at: 7)                                  // removed (entry 8)
        entries.append(Self.entry(11))                          // added
        let work = Self.manifest(entries: entries)
        let difference = try #require(ManifestVersions.difference(base: ("m.yaml", base), work: work))
        let whole = ManifestDecoder.decode(path: "m.yaml", bytes: base).sims
        let lost = [3, 5, 8].map { TestICC.number($0) }
        #expect(difference.sims.map(\.icc) == lost)
        // At the base's lines, as decoding the base whole puts them.
        #expect(difference.sims.map(\.location) == whole.filter { lost.contains($0.icc) }.map(\.location))
        #expect(difference.sims.allSatisfy { $0.state == SIMState.active })
        let workSims = ManifestDecoder.decode(path: "m.yaml", bytes: work).sims
        let identical = workSims.filter { sim in difference.identicalLines.contains { $0.contains(sim.location.line) } }.map(\.icc)
        #expect(identical == [1, 2, 4, 6, 7, 9, 10].map { TestICC.number($0) })
    }

    /// Different surroundings (the defaults changed) cannot be compared entry by entry.
    @Test func differentSurroundingsAreDecodedWhole() {
        let entries = (1...3).map { Self.entry($0) }
        #expect(ManifestVersions.difference(base: ("m.yaml", Self.manifest(entries: entries)),
                                            work: Self.manifest(defaults: "  protect: true\n", entries: entries)) == nil)
        #expect(ManifestVersions.difference(base: ("m.yaml", Self.manifest(entries: entries)), work: nil) == nil)
    }

    @Test(arguments: [
        ("version: 1\nsims:\n  - icc: \"1\"\n", true),
        ("version: 1\nsims:\n- icc: \"1\"\n- icc: \"2\"\nversion2: x\n", true),
        ("version: 1\nsims: []\n", false),
        ("version: 1\nsims:\n  - icc: \"1\"\n    note: \"a\n      b\"\n", false),
        ("version: 1\n  sims:\n  - icc: \"1\"\n", false),
        ("version: 1\r\nsims:\r\n  - icc: \"1\"\r\n", false),
    ])
    func theSplitIsTakenOnlyWhereItIsSure(text: String, splits: Bool) {
        #expect((ManifestEntries(Array(text.utf8)[...]) != nil) == splits)
    }
}
