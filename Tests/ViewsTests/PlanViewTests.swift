import FleetModel
import NexConAPI
import Planning
import TestSupport
import Testing
@testable import Views

@Suite struct PlanViewTests {
    static let fixtures = Golden.fixtures()

    /// A fleet that shows every kind of step, error and warning.
    static var scenario: Plan {
        var stolen = Fleet.sim(2, .blocked, name: "truck-2 | stolen")
        stolen.note = "stolen, ticket OPS-1234 <b>|</b>"
        let sims = [
            Fleet.sim(1, .active, name: "truck-1"), stolen,
            Fleet.sim(3, .blocked, name: "meter-3"), Fleet.sim(4, .active), Fleet.sim(5, .terminated, name: "old-5"),
            Fleet.sim(6, .terminated, protect: true, name: "kept-6"), Fleet.sim(7, .terminated, name: "allowed-7"),
            Fleet.sim(8, .active, name: "gone-8"), Fleet.sim(9, .active, expect: ["countryCode": .text("DK")]),
            Fleet.sim(10, .blocked, name: "busy-10"), Fleet.sim(11, .inactive, name: "spare-11"), Fleet.sim(12, .active),
        ]
        let observed: [ICC: Observation] = [
            sims[0].icc: Fleet.live("INACTIVE"), sims[1].icc: Fleet.live("ACTIVATED"), sims[2].icc: Fleet.live("INACTIVE"),
            sims[3].icc: Fleet.live("BLOCKED"), sims[4].icc: Fleet.live("ACTIVATED"), sims[5].icc: Fleet.live("BLOCKED"),
            sims[6].icc: Fleet.live("INACTIVE"), sims[7].icc: .notFound,
            sims[8].icc: Fleet.live("ACTIVATED", ["countryCode": .string("SE")]), sims[9].icc: Fleet.live("BLOCKING"),
            sims[10].icc: Fleet.live("ACTIVATED"), sims[11].icc: Fleet.live("ACTIVATED"),
        ]
        return Planner.plan(desired: sims, observed: observed, policy: Policy(allowTerminate: .only([Fleet.icc(7)])))
    }

    static let simulatorContext = RenderContext(target: PlanTarget(kind: .simulator, url: "http://127.0.0.1:8080"),
                                                toolVersion: "0.1.0", manifestDigest: String(repeating: "ab", count: 32))

    @Test(arguments: PlanFormat.allCases)
    func goldenOutput(format: PlanFormat) {
        let ext = ["text": "txt", "markdown": "md", "json": "json", "github": "github.txt"][format.rawValue]!
        Golden.check(PlanView.render(Self.scenario, as: format, context: Self.simulatorContext), matches: "scenario.\(ext)", in: Self.fixtures)
    }

    @Test func colourOnlyWhenAskedFor() {
        var context = Self.simulatorContext
        #expect(!PlanView.text(Self.scenario, context: context).contains("\u{1B}["))
        context.color = true
        Golden.check(PlanView.text(Self.scenario, context: context), matches: "scenario.color.txt", in: Self.fixtures)
    }

    @Test func noChangesSaysHowManySIMsMatch() {
        let sims = (0..<1204).map { Fleet.sim($0, .active) }
        let observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) })
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        #expect(PlanView.summaryLine(plan) == "No changes. 1,204 SIMs match their manifests.")
        let context = RenderContext(target: PlanTarget(kind: .api, url: "https://app.nexcon.io"), toolVersion: "0.1.0", manifestDigest: "x")
        #expect(PlanView.text(plan, context: context) == "Live status read from the NexCon API at https://app.nexcon.io.\n\nNo changes. 1,204 SIMs match their manifests.\n")
    }

    /// An overrun shows above the table and every folded group, not among the warnings
    /// at the bottom, so a reviewer cannot miss it.
    @Test func aBlastRadiusOverrunIsAtTheTopOfTheComment() {
        let sims = (0..<40).map { Fleet.sim($0, .blocked) }
        let observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) })
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy(), managed: 100)
        #expect(plan.blastRadius.exceeded)
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        let caution = "> [!CAUTION]\n> **Blast radius exceeded:** 40 disruptive steps (block, terminate) exceed 10% of 100 managed SIMs. Apply refuses this without `--force`"
        let at = try! #require(markdown.range(of: caution))
        #expect(markdown[..<at.lowerBound].contains("**Plan: 0 to activate, 40 to block"))
        #expect(!markdown[..<at.lowerBound].contains("| activate |"))
        let quiet = Planner.plan(desired: Array(sims.prefix(5)), observed: observed, policy: Policy(), managed: 100)
        #expect(!PlanView.markdown(quiet, context: Self.simulatorContext).contains("[!CAUTION]"))
    }

    /// A comment too large for GitHub loses whole groups, never half a table: the smaller
    /// groups after a large one (the errors) still show, and it says where the rest is.
    @Test func markdownIsCutByWholeGroupsAndPointsToTheFullPlan() {
        let sims = (0..<5000).map { Fleet.sim($0, .active, name: "a-rather-long-device-name-\($0)") }
            + (5000..<5003).map { Fleet.sim($0, .blocked, name: "stolen-\($0)") } + [Fleet.sim(6000, .active, name: "gone")]
        var observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("INACTIVE")) })
        for n in 5000..<5003 { observed[Fleet.icc(n)] = Fleet.live("ACTIVATED") }
        observed[Fleet.icc(6000)] = .notFound
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        #expect(markdown.utf8.count <= PlanView.markdownLimit)
        #expect(!markdown.contains("a-rather-long-device-name-"), "the activate group is left out whole")
        #expect(markdown.contains("#### Block (3)") && markdown.contains("stolen-5002"))
        #expect(markdown.contains("#### Errors (1)") && markdown.contains("gone"))
        #expect(markdown.contains("\n> **Cut to fit:** Activate (5,000 steps) is not shown here. The full plan is in the job's step summary and the JSON plan (`--out`).\n"))
        // The summary table comes first and is never cut.
        #expect(markdown.contains("| 5000 | 3 | 0 | 0 | 0 | 0 | 0 | 1 |"))
        // With room enough (the step summary's megabyte), nothing is cut.
        let full = PlanView.markdown(plan, context: Self.simulatorContext, limit: 1 << 20, elsewhere: "the JSON plan (`--out`)")
        #expect(full.contains("<details><summary>Activate (5,000)</summary>") && !full.contains("Cut to fit"))
        // And one that cannot fit anything says so for every group.
        let tiny = PlanView.markdown(plan, context: Self.simulatorContext, limit: 1000, elsewhere: "the JSON plan (`--out`)")
        #expect(tiny.contains("**Cut to fit:** Block (3 steps); Activate (5,000 steps); Errors (1 error) are not shown here. The full plan is in the JSON plan (`--out`)."))
    }

    @Test func markdownEscapesNamesThatWouldBreakTheTable() {
        #expect(PlanView.escape("a|b <script> *x*") == #"a\|b &lt;script&gt; \*x\*"#)
    }
}

/// The pull-request comment: a hidden marker CI can find, and one line when nothing changes.
@Suite struct CommentMarkdownTests {
    static let target = PlanTarget(kind: .api, url: "https://app.nexcon.io")

    @Test(arguments: [(String?.none, "<!-- simfleet:plan -->"), ("fleet-a", "<!-- simfleet:plan:fleet-a -->")])
    func theMarkdownStartsWithItsMarker(key: String?, marker: String) {
        var context = RenderContext(target: Self.target, toolVersion: "t", manifestDigest: "d")
        context.commentKey = key
        let sims = [Fleet.sim(1, .blocked)]
        let plan = Planner.plan(desired: sims, observed: [sims[0].icc: Fleet.live("ACTIVATED")], policy: Policy())
        #expect(PlanView.markdown(plan, context: context).hasPrefix(marker + "\n### simfleet plan\n"))
    }

    @Test func aPlanWithNoChangesSaysSoInOneLine() {
        let sims = [Fleet.sim(1, .active), Fleet.sim(2, .active)]
        let observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) })
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        let markdown = PlanView.markdown(plan, context: RenderContext(target: Self.target, toolVersion: "t", manifestDigest: "d"))
        #expect(markdown == "<!-- simfleet:plan -->\n**simfleet plan:** No changes. 2 SIMs match their manifests. Live status read from the NexCon API at https&#58;//app.nexcon.io.\n")
    }

    @Test func refusedTerminationsAloneAreStillADifference() {
        let sims = [Fleet.sim(1, .terminated)]
        let plan = Planner.plan(desired: sims, observed: [sims[0].icc: Fleet.live("ACTIVATED")], policy: Policy())
        #expect(plan.steps.allSatisfy(\.refused) && plan.hasChanges)
    }

    @Test(arguments: ["fleet-a", "a.b_c", String(repeating: "k", count: 64)])
    func commentKeysThatAreSafeInAMarker(key: String) { #expect(MarkdownText.isValidCommentKey(key)) }

    @Test(arguments: ["", "x -->", "a b", "<b>", String(repeating: "k", count: 65), "é"])
    func commentKeysThatCouldBreakOutAreRefused(key: String) { #expect(!MarkdownText.isValidCommentKey(key)) }
}
