import FleetModel
@testable import Planning
import TestSupport
import Testing

/// Which SIMs `--changed-since` plans, from values alone.
@Suite struct ChangeSetTests {
    static func sim(_ n: Int, _ state: SIMState, in file: String = "a.yaml", name: String? = nil) -> DesiredSIM {
        Fleet.sim(n, state, name: name).moved(to: file)
    }

    static func compare(_ now: [DesiredSIM], base: [DesiredSIM], identical: Set<String> = [], untrusted: Set<String> = []) -> ChangeSet {
        ChangeSet.compare(selected: now, declared: Set(now.map(\.icc)), identicalFiles: identical, base: base, untrustedFiles: untrusted)
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var change: @Sendable (inout DesiredSIM) -> Void
        var isChange: Bool
    }

    @Test(arguments: [
        Edit(testDescription: "state", change: { $0.state = .blocked }, isChange: true),
        Edit(testDescription: "protect", change: { $0.protect = true }, isChange: true),
        Edit(testDescription: "callbackUrl", change: { $0.callbackURL = "https://hooks.example.com/" }, isChange: true),
        Edit(testDescription: "expect", change: { $0.expect = ["countryCode": .text("DK")] }, isChange: true),
        Edit(testDescription: "name", change: { $0.name = "renamed" }, isChange: false),
        Edit(testDescription: "labels", change: { $0.labels = ["depot": "x"] }, isChange: false),
        Edit(testDescription: "note", change: { $0.note = "ticket OPS-1" }, isChange: false),
        Edit(testDescription: "place", change: { $0.location = SourceLocation(path: "b.yaml", line: 40, column: 5) }, isChange: false),
    ])
    func whatCountsAsAChange(_ edit: Edit) {
        let before = Self.sim(1, .active)
        var after = before
        edit.change(&after)
        let changes = Self.compare([after, Self.sim(2, .active)], base: [before, Self.sim(2, .active)])
        #expect(changes.changed.map(\.icc) == (edit.isChange ? [before.icc] : []))
        #expect(changes.unchanged == (edit.isChange ? 1 : 2))
        #expect(changes.removed.isEmpty)
    }

    @Test func newRemovedAndIdenticalFiles() {
        let now = [Self.sim(1, .active), Self.sim(3, .blocked, in: "same.yaml"), Self.sim(4, .active)]
        let base = [Self.sim(1, .active), Self.sim(2, .active, name: "gone"), Self.sim(4, .inactive)]
        let changes = Self.compare(now, base: base, identical: ["same.yaml"])
        // 3 is in a file identical to the base's, so it is not looked up; 4 changed state.
        #expect(changes.changed.map(\.icc) == [Fleet.icc(4)])
        #expect(changes.unchanged == 2)
        #expect(changes.removed == [RemovedSIM(icc: Fleet.icc(2), name: "gone", location: base[1].location)])
    }

    /// A base file with errors cannot vouch that a SIM is unchanged: its SIMs are planned.
    @Test func anUntrustedBaseFileVouchesForNothing() {
        let now = [Self.sim(1, .active, in: "broken.yaml"), Self.sim(2, .active)]
        let changes = Self.compare(now, base: [Self.sim(1, .active, in: "broken.yaml"), Self.sim(2, .active)], untrusted: ["broken.yaml"])
        #expect(changes.changed.map(\.icc) == [Fleet.icc(1)])
    }

    /// Every commit between the ends counts: a state changed and changed back is planned,
    /// an entry only renamed or moved in between is not.
    @Test(arguments: [
        ("changed and changed back", [SIMState.active], true),
        ("a middle version in another file, same state", [.blocked], false),
        ("several middle versions, one differs", [.blocked, .active, .blocked], true),
        ("no middle version", [], false),
    ])
    func everyVersionInBetweenCounts(_ name: String, _ middle: [SIMState], _ isChange: Bool) {
        let now = Self.sim(1, .blocked)
        let history = middle.map { Self.sim(1, $0, in: "moved.yaml", name: "renamed") }
        let changes = ChangeSet.compare(selected: [now, Self.sim(2, .active, in: "same.yaml")], declared: [now.icc, Fleet.icc(2)],
                                        identicalFiles: ["same.yaml"], base: [Self.sim(1, .blocked)], untrustedFiles: [], history: SIMVersions(history))
        #expect(changes.changed.map(\.icc) == (isChange ? [now.icc] : []), "\(name)")
        #expect(changes.unchanged == (isChange ? 1 : 2), "\(name)")
    }

    /// A SIM in a file identical at both ends is still planned when a commit in between
    /// declared it otherwise (the caller treats a touched file as not identical; this is
    /// the rule for a SIM that passed through another file).
    @Test func anIdenticalFileDoesNotHideAMiddleVersion() {
        let now = Self.sim(1, .blocked, in: "same.yaml")
        let changes = ChangeSet.compare(selected: [now], declared: [now.icc], identicalFiles: ["same.yaml"], base: [],
                                        untrustedFiles: [], history: SIMVersions([Self.sim(1, .active, in: "other.yaml")]))
        #expect(changes.changed.map(\.icc) == [now.icc])
    }

    @Test func aRemovedSIMIsOneThatNoManifestDeclares() {
        // Out of scope (not selected) is not removed.
        let kept = Self.sim(2, .active)
        let changes = ChangeSet.compare(selected: [Self.sim(1, .active)], declared: [Fleet.icc(1), kept.icc],
                                        identicalFiles: [], base: [kept], untrustedFiles: [])
        #expect(changes.removed.isEmpty)
    }
    /// A SIM whose entry the base holds word for word is unchanged, with no base SIM decoded.
    @Test func anIdenticalEntryIsUnchangedWithoutItsBaseSIM() {
        let sims = [Fleet.sim(1, .active), Fleet.sim(2, .blocked), Fleet.sim(3, .active)]  // lines 2, 3 and 4 of fleet.yaml
        let changes = ChangeSet.compare(selected: sims, declared: Set(sims.map(\.icc)), identicalFiles: [],
                                        identicalEntries: ["fleet.yaml": [1..<3, 4..<5]], base: [], untrustedFiles: [])
        #expect(changes.changed.map(\.icc) == [Fleet.icc(2)])
        #expect(changes.unchanged == 2)
    }

    @Test(arguments: [(3, true), (4, false), (5, true), (6, true), (7, false), (0, false), (20, true), (21, false)])
    func sortedRangesAreSearched(line: Int, found: Bool) {
        #expect(ChangeSet.contains([1..<4, 5..<7, 10..<21], line) == found)
    }
}

extension DesiredSIM {
    func moved(to file: String) -> DesiredSIM {
        var copy = self
        copy.location.path = file
        copy.stateLocation.path = file
        return copy
    }

}
