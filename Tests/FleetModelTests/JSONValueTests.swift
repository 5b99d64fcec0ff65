import FleetModel
import Testing

@Suite struct JSONValueTests {
    @Test func parsesStatusResponsesAndIgnoresUnknownFields() {
        let value = JSONValue(parsing: Array(#" {"status":"ACTIVATED","tags":["gps"],"product":{"id":12,"name":"IoT \u00e9\n"},"x":[1.5e3,true,null,-0]} "#.utf8))
        #expect(value?["status"]?.text == "ACTIVATED")
        #expect(value?["product"]?["id"]?.text == "12")
        #expect(value?["product"]?["name"]?.text == "IoT é\n")
        #expect(value?["x"] == .array([.number("1.5e3"), .bool(true), .null, .number("-0")]))
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "tru", "01x", "\"\u{1}\"", "{\"a\" 1}", "[1] [2]", "\"\\x\"", "\"\\ud800\"",
                      String(repeating: "[", count: 100) + String(repeating: "]", count: 100)])
    func rejectsWhatIsNotJSON(text: String) {
        #expect(JSONValue(parsing: Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        (ExpectedValue.text("DK"), JSONValue.string("DK"), true),
        (.text("12"), .number("12"), true),
        (.text("DK"), .string("SE"), false),
        (.list([.text("gps")]), .array([.string("fleet"), .string("gps")]), true),
        (.list([.text("gps"), .text("eu")]), .array([.string("gps")]), false),
        (.mapping(["id": .text("12")]), .object(["id": .number("12"), "name": .string("x")]), true),
        (.mapping(["id": .text("13")]), .object(["id": .number("12")]), false),
        (.mapping(["id": .text("12")]), .string("12"), false),
    ] as [(ExpectedValue, JSONValue, Bool)])
    func expectationsMatchSubsets(expected: ExpectedValue, actual: JSONValue, matches: Bool) {
        #expect(expected.isSatisfied(by: actual) == matches)
    }

    @Test(arguments: [
        (#"{"status":"ACTIVATED","tags":["a",{"b":[1,2]}],"x":null}"#, "ACTIVATED" as String??),
        (#" { "pool" : {"status":"NESTED"} , "status" : "BLOCKED" } "#, "BLOCKED"),
        (#"{"tags":[]}"#, .some(nil)),
        (#"{"status":12}"#, "12"),
        (#"{"status":"A","oops":}"#, nil),
        (#"{"status":"A"} trailing"#, nil),
        (#"[1,2]"#, .some(nil)),
        ("", nil),
    ] as [(String, String??)])
    func topLevelTextReadsOneFieldAndStillChecksTheJSON(text: String, expected: String??) {
        #expect(JSONValue.topLevelText("status", in: Array(text.utf8)) == expected)
    }
}
