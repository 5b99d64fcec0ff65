import FleetModel
import Testing
import Views

/// A diagnostic as a compiler line, as a GitHub annotation titled with its code, and with
/// its notes.
@Suite struct DiagnosticFormatTests {
    @Test func formatsAsPathLineColumn() {
        let diagnostic = Diagnostic.error(.iccCheckDigit, at: SourceLocation(path: "manifests/a.yaml", line: 3, column: 11), "bad ICC")
        #expect(diagnostic.formatted == "manifests/a.yaml:3:11: error: bad ICC")
        let wholeFile = Diagnostic.warning(.iccCheckDigit, at: SourceLocation(path: "manifests"), "no SIMs")
        #expect(wholeFile.formatted == "manifests: warning: no SIMs")
    }

    @Test func githubAnnotationsEscapeTheirSyntaxAndCarryTheCode() {
        let diagnostic = Diagnostic.error(.iccLength, at: SourceLocation(path: "a,b:c.yaml", line: 2, column: 5), "50% wrong\nsecond line")
        #expect(diagnostic.githubAnnotation == "::error file=a%2Cb%3Ac.yaml,line=2,col=5,title=SF-ICC-LENGTH::50%25 wrong%0Asecond line")
        let wholeFile = Diagnostic.error(.iccMissing, at: SourceLocation(path: "manifests"), "no SIMs")
        #expect(wholeFile.githubAnnotation == "::error file=manifests,title=SF-ICC-MISSING::no SIMs")
    }

    /// A note is a line of its own, as compilers print one, pointing at the other place.
    @Test func notesFollowTheirDiagnostic() {
        let first = SourceLocation(path: "a.yaml", line: 2, column: 5)
        let diagnostic = Diagnostic.error(.iccDuplicate, at: SourceLocation(path: "b.yaml", line: 7, column: 5), "declared twice",
                                          notes: [Diagnostic.Note(at: first, "first declared here"), Diagnostic.Note("keep one\u{1B}")])
        #expect(diagnostic.formatted == "b.yaml:7:5: error: declared twice\na.yaml:2:5: note: first declared here\nnote: keep one\\u{1B}")
        #expect(diagnostic.githubAnnotation
            == "::error file=b.yaml,line=7,col=5,title=SF-ICC-DUPLICATE::declared twice%0Anote: a.yaml:2:5: first declared here%0Anote: keep one\\u{1B}")
    }
}
