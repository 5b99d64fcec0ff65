import FleetModel
import Testing

@Suite struct DiagnosticTests {
    @Test func sortByFileThenLineThenColumn() {
        let b = Diagnostic.error(.iccCheckDigit, at: SourceLocation(path: "b.yaml", line: 1, column: 1), "x")
        let a2 = Diagnostic.error(.iccCheckDigit, at: SourceLocation(path: "a.yaml", line: 10, column: 1), "x")
        let a1 = Diagnostic.error(.iccCheckDigit, at: SourceLocation(path: "a.yaml", line: 2, column: 7), "x")
        #expect([b, a2, a1].sorted() == [a1, a2, b])
    }
}

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("stat", ["icc", "state", "labels"], "state"),
        ("activ", ["active", "blocked", "inactive", "terminated"], "active"),
        ("Active", ["active", "blocked", "inactive", "terminated"], "active"),
        ("blokced", ["active", "blocked", "inactive", "terminated"], "blocked"),
        ("country", ["countryCode", "msisdn", "tags"], "countryCode"),
        ("callbackURL", ["callbackUrl", "note"], "callbackUrl"),
        ("zebra", ["active", "blocked"], nil),
    ] as [(String, [String], String?)])
    func nearest(word: String, candidates: [String], expected: String?) {
        #expect(Suggestion.nearest(to: word, in: candidates) == expected)
    }
}

@Suite struct WordingTests {
    @Test(arguments: [(0, "0 SIMs"), (1, "1 SIM"), (1204, "1,204 SIMs"), (100000, "100,000 SIMs"), (1234567, "1,234,567 SIMs")])
    func counts(number: Int, expected: String) {
        #expect(Wording.count(number, "SIM") == expected)
    }
}

@Suite struct JSONWriterTests {
    @Test func escapesStringsAndKeepsKeyOrder() {
        var writer = JSONWriter()
        writer.objectStart()
        writer.field("text", "quote \" backslash \\ newline \n tab \t bell \u{7}")
        writer.field("n", -42)
        writer.field("zero", 0)
        writer.field("flag", false)
        writer.field("none", nil as String?)
        writer.field("labels", sorted: ["b": "2", "a": "1"])
        writer.key("icc")
        writer.value(ICC(unchecked: "89450100250731069754"))
        writer.objectEnd()
        #expect(writer.string == #"{"text":"quote \" backslash \\ newline \n tab \t bell \u0007","n":-42,"zero":0,"flag":false,"none":null,"labels":{"a":"1","b":"2"},"icc":"89450100250731069754"}"#)
    }
}
