import FleetModel
import Testing
import Views

/// A diagnostic as a compiler line and as a GitHub annotation.
@Suite struct DiagnosticFormatTests {
    @Test func formatsAsPathLineColumn() {
        let diagnostic = Diagnostic.error(at: SourceLocation(path: "manifests/a.yaml", line: 3, column: 11), "bad ICC")
        #expect(diagnostic.formatted == "manifests/a.yaml:3:11: error: bad ICC")
        let wholeFile = Diagnostic.warning(at: SourceLocation(path: "manifests"), "no SIMs")
        #expect(wholeFile.formatted == "manifests: warning: no SIMs")
    }

    @Test func githubAnnotationsEscapeTheirSyntax() {
        let diagnostic = Diagnostic.error(at: SourceLocation(path: "a,b:c.yaml", line: 2, column: 5), "50% wrong\nsecond line")
        #expect(diagnostic.githubAnnotation == "::error file=a%2Cb%3Ac.yaml,line=2,col=5::50%25 wrong%0Asecond line")
        let wholeFile = Diagnostic.error(at: SourceLocation(path: "manifests"), "no SIMs")
        #expect(wholeFile.githubAnnotation == "::error file=manifests::no SIMs")
    }
}
