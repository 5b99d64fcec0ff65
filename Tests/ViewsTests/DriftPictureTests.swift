import FleetModel
import Planning
import TestSupport
import Testing
import Views

/// The drift picture: pie charts of what differs, safe inside markdown and mermaid.
@Suite struct DriftPictureTests {
    static func plan(_ live: [(SIMState, String)]) -> Plan {
        let desired = live.enumerated().map { Fleet.sim($0.offset + 1, $0.element.0) }
        let observed = Dictionary(uniqueKeysWithValues: live.enumerated().map { (Fleet.icc($0.offset + 1), Fleet.live($0.element.1)) })
        return Planner.plan(desired: desired, observed: observed, policy: Policy(), managed: live.count)
    }

    @Test func transitionsAndALabelsValues() throws {
        let plan = Self.plan([(.blocked, "ACTIVATED"), (.blocked, "ACTIVATED"), (.active, "INACTIVE"), (.active, "ACTIVATED")])
        let groups = [Fleet.icc(1): "ambulances", Fleet.icc(2): "trucks \"A\"\n```"]
        let picture = try #require(DriftPicture.markdown(plan, groupBy: "fleet", groups: groups))
        #expect(picture == """
            ```mermaid
            pie showData title Drift: 3 SIMs by live and declared state
              "live active, declared blocked" : 2
              "live inactive, declared active" : 1
            ```

            ```mermaid
            pie showData title Drift by fleet
              "(no fleet)" : 1
              "ambulances" : 1
              "trucks 'A' '''" : 1
            ```

            """)
        #expect(DriftPicture.markdown(Self.plan([(.active, "ACTIVATED")])) == nil, "nothing differs, no picture")
    }

    @Test func manyValuesBecomeOneOtherSlice() throws {
        let plan = Self.plan(Array(repeating: (SIMState.blocked, "ACTIVATED"), count: 20))
        let groups = Dictionary(uniqueKeysWithValues: (1...20).map { (Fleet.icc($0), "depot-\($0)") })
        let picture = try #require(DriftPicture.markdown(plan, groupBy: "depot", groups: groups))
        #expect(picture.contains("  \"other\" : 9\n"), "\(picture)")
        #expect(picture.components(separatedBy: "\n  \"").count - 1 == 1 + 12)
    }

    @Test func thePictureGoesUnderTheHeading() {
        #expect(PostedMarkdown.pictured("<!-- m -->\n### simfleet plan\n\ntable\n", "PIC\n") == "<!-- m -->\n### simfleet plan\n\nPIC\n\ntable\n")
        #expect(PostedMarkdown.pictured("<!-- m -->\n### simfleet plan\n\ntable\n", nil) == "<!-- m -->\n### simfleet plan\n\ntable\n")
    }
}

extension DriftPictureTests {
    /// The picture and the commit line come out of the body's budget: the whole stays within
    /// GitHub's 65,536 characters.
    @Test(arguments: [3_000])
    func theDriftIssueFitsGitHub(count: Int) {
        let plan = Self.plan(Array(repeating: (SIMState.blocked, "ACTIVATED"), count: count))
        let groups = Dictionary(uniqueKeysWithValues: (1...count).map { (Fleet.icc($0), String(repeating: "depot ", count: 9) + "\($0)") })
        let picture = DriftPicture.markdown(plan, groupBy: "depot", groups: groups)
        let context = RenderContext(target: PlanTarget(kind: .api, url: "https://app.nexcon.io"), toolVersion: "t", manifestDigest: "d")
        let body = PostedMarkdown.driftIssue(plan, context: context, picture: picture, commit: String(repeating: "a", count: 40))
        #expect(body.count <= 65_536, "\(body.count)")
        #expect(body.contains("```mermaid") && body.contains("to block"))
    }
}
