import FleetModel
import Testing
import Views

/// Outside text stays inert in every output format.
@Suite struct OutputEscapingTests {
    @Test(arguments: [
        ("truck-042", "truck-042"),
        ("\u{1B}[2Jcleared", "\\u{1B}[2Jcleared"),
        ("\u{1B}]8;;https://evil.example\u{07}link\u{1B}]8;;\u{07}", "\\u{1B}]8;;https://evil.example\\u{7}link\\u{1B}]8;;\\u{7}"),
        ("a\r\nb", "a\\u{D}\\u{A}b"),
        ("c1\u{9B}31m", "c1\\u{9B}31m"),
        ("del\u{7F}", "del\\u{7F}"),
        ("bidi\u{202E}txt", "bidi\\u{202E}txt"),
        ("café ✓ 🚚", "café ✓ 🚚"),
    ])
    func terminalTextShowsControlsEscaped(input: String, expected: String) {
        #expect(TerminalText.escape(input) == expected)
    }

    @Test(arguments: [
        ("truck-042", "truck-042"),
        ("a|b", "a\\|b"),
        ("`code`", "\\`code\\`"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("ping @ops-team", "ping @&#8203;ops-team"),
        ("see https://evil.example/x", "see https&#58;//evil.example/x"),
        ("see www.evil.example", "see www&#46;evil.example"),
        ("line\r\nbreak|x", "line break\\|x"),
        ("line\nbreak\u{2028}end", "line break end"),
        ("**bold** _it_ [l](u) #h ~s~", "\\*\\*bold\\*\\* \\_it\\_ \\[l\\](u) \\#h \\~s\\~"),
        ("esc\u{1B}[2J", "esc\\\\u{1B}\\[2J"),
        ("a & b", "a &amp; b"),
    ])
    func markdownCellsAreInert(input: String, expected: String) {
        let escaped = MarkdownText.escape(input)
        #expect(escaped == expected)
        #expect(!escaped.unicodeScalars.contains { $0 == "\n" || $0 == "\r" })
    }

    @Test(arguments: [
        ("plain", "plain"),
        ("50% done", "50%25 done"),
        ("evil\r\n::error file=x::forged", "evil%0D%0A::error file=x::forged"),
        ("lf\nonly", "lf%0Aonly"),
        ("esc\u{1B}", "esc\\u{1B}"),
    ])
    func annotationDataCannotEndTheCommand(input: String, expected: String) {
        #expect(GitHubAnnotation.escapeData(input) == expected)
    }

    @Test func annotationPropertiesEscapeTheirSeparators() {
        #expect(GitHubAnnotation.escapeProperty("a:b,c\r\nd") == "a%3Ab%2Cc%0D%0Ad")
        #expect(GitHubAnnotation.command("error", path: "m/x,y.yaml", line: 3, column: 7, message: "bad\r\nvalue")
            == "::error file=m/x%2Cy.yaml,line=3,col=7::bad%0D%0Avalue")
    }

    @Test func diagnosticsUseTheHelpers() {
        let diagnostic = Diagnostic.error(.iccCheckDigit, at: SourceLocation(path: "m\u{1B}.yaml", line: 2, column: 3), "unknown state 'x\r\n::error::forged'")
        #expect(diagnostic.formatted == "m\\u{1B}.yaml:2:3: error: unknown state 'x\\u{D}\\u{A}::error::forged'")
        #expect(diagnostic.githubAnnotation == "::error file=m\\u{1B}.yaml,line=2,col=3,title=SF-ICC-CHECKDIGIT::unknown state 'x%0D%0A::error::forged'")
        #expect(diagnostic.githubAnnotation.split(separator: "\n").count == 1)
    }

    /// Large hostile text escapes whole and exactly (the time it takes is measured by
    /// `Benchmarks/bench.py escaping`, never here).
    @Test func largeTextEscapesWhole() {
        let breaks = String(repeating: "\r\n", count: 100_000)
        #expect(TerminalText.escape(breaks) == String(repeating: "\\u{D}\\u{A}", count: 100_000))
        #expect(GitHubAnnotation.escapeData(breaks + "%") == String(repeating: "%0D%0A", count: 100_000) + "%25")
        #expect(GitHubAnnotation.escapeProperty(String(repeating: ":,\n", count: 1_000)) == String(repeating: "%3A%2C%0A", count: 1_000))
    }

    /// Outside values quoted in a diagnostic are cut, so a 1 MB value makes a short line.
    @Test func quotedValuesAreCut() {
        #expect(Diagnostic.excerpt("blokced") == "blokced")
        let long = String(repeating: "é", count: 1_000_000)
        #expect(Diagnostic.excerpt(long) == String(repeating: "é", count: Diagnostic.excerptLimit) + "… (1000000 characters)")
        #expect(ICC.validate(long).map { $0.message(icc: long).count < 300 } == true)
    }
}
