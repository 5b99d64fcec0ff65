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

    /// The scenario under policy rules, with each changed SIM's declaration: a squash-merged
    /// commit, a merged one without a number, and a line not committed.
    static var explained: Plan {
        var plan = scenario
        var labels: [ICC: [String: String]] = [:]
        labels[Fleet.icc(2)] = ["fleet": "ambulances"]
        labels[Fleet.icc(7)] = ["env": "prod"]
        let policy = Policy(allowTerminate: .only([Fleet.icc(7)]), rules: [
            PolicyRule(name: "production SIMs are never terminated here", match: ["env": "prod"], deny: [.terminate], location: SourceLocation(path: "simfleet.yaml")),
            PolicyRule(name: "ambulances need a ticket | *now*", match: ["fleet": "ambulances"], requireNote: [.block], mode: .warn, location: SourceLocation(path: "simfleet.yaml")),
            PolicyRule(name: "friday freeze", freeze: FreezeWindow(days: [.fri], from: 900, to: 1439, timeZone: "Europe/Copenhagen"), location: SourceLocation(path: "simfleet.yaml")),
        ])
        plan.steps = plan.steps.map { step in var step = step; step.manifestNote = step.icc == Fleet.icc(2) ? nil : step.manifestNote; return step }
        policy.judge(&plan.steps, labels: labels, clock: nil)
        let squash = DeclaringCommit(id: "abc1234" + String(repeating: "0", count: 33), author: "Ann <b>Author</b>", authorTime: 1_795_698_180,
                                     authorZone: "+0100", subject: "Block lost trackers (#123)", pullRequest: 123)
        let merged = DeclaringCommit(id: "def5678" + String(repeating: "1", count: 33), author: "Bo", authorTime: 1_795_698_180,
                                     authorZone: "-0500", subject: "Restore unit 4")
        for (n, commit) in [(1, Optional(squash)), (2, squash), (3, merged), (4, merged), (5, nil), (6, squash), (7, squash)] {
            plan.explanations.declared[Fleet.icc(n)] = Declaration(line: SourceLocation(path: "fleet.yaml", line: n + 1, column: 20), commit: commit)
        }
        return plan
    }

    @Test(arguments: PlanFormat.allCases)
    func explainedGoldenOutput(format: PlanFormat) {
        let ext = ["text": "txt", "markdown": "md", "json": "json", "github": "github.txt"][format.rawValue]!
        var context = Self.simulatorContext
        context.explain = true
        Golden.check(PlanView.render(Self.explained, as: format, context: context), matches: "explained.\(ext)", in: Self.fixtures)
    }

    /// Policy verdicts and the declaration column sit at the top and beside each step in
    /// the markdown; the text names each step's declaration only with --explain.
    @Test func explanationsAndVerdictsReachEveryFormat() {
        let markdown = PlanView.markdown(Self.explained, context: Self.simulatorContext)
        let policy = try! #require(markdown.range(of: "**Policy rules (simfleet.yaml)**"))
        let table = try! #require(markdown.range(of: "| activate | block |"))
        #expect(policy.lowerBound < table.lowerBound)
        #expect(markdown.contains("| `abc1234` #123 |"))
        #expect(markdown.contains("| _not committed_ |"))
        #expect(markdown.contains("ambulances need a ticket \\| \\*now\\*"))
        #expect(!markdown.contains("<b>"))
        var context = Self.simulatorContext
        #expect(!PlanView.text(Self.explained, context: context).contains("declared fleet.yaml"))
        context.explain = true
        #expect(PlanView.text(Self.explained, context: context).contains("      declared fleet.yaml:2:20 · abc1234 #123 · Ann <b>Author</b> · 2026-11-26T14:03:00+01:00 · Block lost trackers (#123)"))
        let github = PlanView.github(Self.explained, context: context)
        #expect(github.contains("::error file=fleet.yaml,line=8,col=5,title=policy%3A production SIMs are never terminated here::terminate"))
    }

    /// 256 rules with long names, each catching steps, still make a comment GitHub takes:
    /// the listing at the top is cut to a share of the budget and says so.
    @Test func manyRulesStayWithinTheCommentLimit() {
        var plan = Self.scenario
        let name = String(repeating: "r", count: 190)
        for index in plan.steps.indices {
            plan.steps[index].verdicts = (0..<256).map { RuleVerdict(rule: "\(name) \($0)", effect: .deny, reason: String(repeating: "x", count: 200)) }
        }
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        #expect(markdown.utf8.count <= PlanView.markdownLimit)
        #expect(markdown.contains("more rules catch steps; every verdict is in"), "\(markdown.suffix(600))")
        #expect(markdown.contains("| activate | block |"))
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

    /// A comment too large for GitHub shows whole rows as far as they fit, keeps room for
    /// the smaller groups after a large one (the errors), names the rest by ICC as far as
    /// room allows, counts what is left, and says where the full plan is.
    @Test func markdownShowsRowsAsFarAsTheyFitAndPointsToTheFullPlan() {
        let sims = (0..<5000).map { Fleet.sim($0, .active, name: "a-rather-long-device-name-\($0)") }
            + (5000..<5003).map { Fleet.sim($0, .blocked, name: "stolen-\($0)") } + [Fleet.sim(6000, .active, name: "gone")]
        var observed = Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("INACTIVE")) })
        for n in 5000..<5003 { observed[Fleet.icc(n)] = Fleet.live("ACTIVATED") }
        observed[Fleet.icc(6000)] = .notFound
        let plan = Planner.plan(desired: sims, observed: observed, policy: Policy())
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        #expect(markdown.utf8.count <= PlanView.markdownLimit)
        #expect(markdown.contains("#### Block (3)") && markdown.contains("stolen-5002"))
        #expect(markdown.contains("#### Errors (1)") && markdown.contains("gone"))
        #expect(markdown.contains("<details><summary>Activate (5,000)</summary>") && markdown.contains("a-rather-long-device-name-0 "))
        #expect(markdown.contains("> **Cut to fit GitHub's limit:** "))
        #expect(markdown.contains("The full plan is in the job's step summary and the JSON plan (`--out`).\n"))
        #expect(markdown.contains(" more, not named here\n"))
        // The summary table comes first and is never cut.
        #expect(markdown.contains("| 5000 | 3 | 0 | 0 | 0 | 0 | 0 | 1 |"))
        // With room enough (the step summary's megabyte), nothing is cut.
        let full = PlanView.markdown(plan, context: Self.simulatorContext, limit: 1 << 20, elsewhere: "the JSON plan (`--out`)")
        #expect(full.contains("<details><summary>Activate (5,000)</summary>") && !full.contains("Cut to fit"))
        // And one that can fit nothing still accounts for every group.
        let tiny = PlanView.markdown(plan, context: Self.simulatorContext, limit: 1000, elsewhere: "the JSON plan (`--out`)")
        #expect(tiny.contains("**Block (3 more):**") && tiny.contains("**Activate (5,000 more):**") && tiny.contains("- Errors: 1 more not shown"), "\(tiny)")
    }

    /// The review's decoy: one SIM's 70 KB note made the comment drop the whole Block group,
    /// hiding a sensitive block on another SIM. Cells are cut; every row shows.
    @Test func oneLongNoteHidesNoOtherStep() {
        let decoy = DesiredSIM(icc: Fleet.icc(1), name: "decoy", state: .blocked, note: String(repeating: "harmless text ", count: 5_000),
                               location: SourceLocation(path: "m.yaml", line: 2, column: 5))
        let sensitive = Fleet.sim(2, .blocked, name: "ceo-phone")
        let others = (3..<8).map { Fleet.sim($0, .blocked) }
        let sims = [decoy, sensitive] + others
        let plan = Planner.plan(desired: sims, observed: Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) }), policy: Policy())
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        #expect(markdown.utf8.count < 5_000)
        #expect(markdown.contains("| `\(Fleet.icc(2))` | ceo-phone | active → blocked | 1 |"), "\(markdown)")
        #expect(markdown.contains(" … _(cut; 70,000 characters in all)_"))
        #expect(!markdown.contains("Cut to fit"))
    }

    /// Every ICC of every step is named whenever that fits in GitHub's limit: 540 blocks
    /// with notes and explanations (the review's case printed none of them), and more.
    @Test(arguments: [540, 1_200, 2_400])
    func everyStepIsNamedWhenTheICCsFit(count: Int) {
        let sims = (0..<count).map { n in
            DesiredSIM(icc: Fleet.icc(n), name: "tracker-\(n)", state: .blocked, note: "reported stolen, ticket OPS-\(n), by the night shift",
                       location: SourceLocation(path: "m.yaml", line: n + 2, column: 5), stateLocation: SourceLocation(path: "m.yaml", line: n + 2, column: 20))
        }
        var plan = Planner.plan(desired: sims, observed: Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Fleet.live("ACTIVATED")) }), policy: Policy(),
                                managed: count * 100)
        let commit = DeclaringCommit(id: String(repeating: "a", count: 40), author: "Ann", authorTime: 1_796_000_000, authorZone: "+0100", subject: "Block them (#12)", pullRequest: 12)
        plan.explanations = Explanations(declared: Dictionary(uniqueKeysWithValues: sims.map { ($0.icc, Declaration(line: $0.stateLocation, commit: commit)) }))
        let markdown = PlanView.markdown(plan, context: Self.simulatorContext)
        #expect(markdown.utf8.count <= PlanView.markdownLimit)
        let missing = sims.filter { !markdown.contains("`\($0.icc)`") }
        #expect(missing.isEmpty, "\(missing.count) of \(count) ICCs are not named")
        #expect(markdown.contains("| `\(Fleet.icc(0))` | tracker-0 |"), "the first rows are shown whole")
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
