import FleetModel
import Testing

@Suite struct ICCTests {
    @Test(arguments: [
        ("89450100250731069754", nil),
        ("8944110063009871555", nil),           // 19 digits
        ("894501002507310697", ICC.Problem.wrongCheckDigit(expected: 2, found: 7)),
        ("89450100250731069755", .wrongCheckDigit(expected: 4, found: 5)),
        ("89450100250731069574", .wrongCheckDigit(expected: 2, found: 4)), // 7 and 5 transposed
        ("8945010025073106975", .wrongCheckDigit(expected: 6, found: 5)), // a digit dropped
        ("89450100250731", .wrongLength(14)),
        ("894501002507310697541", .wrongLength(21)),
        ("", .wrongLength(0)),
        ("8945 0100 2507 3106 9754", .notDigits(offending: " ", position: 5)),
        ("8945010025073106975X", .notDigits(offending: "X", position: 20)),
        ("-8945010025073106975", .notDigits(offending: "-", position: 1)),
        ("８９４５", .notDigits(offending: "８", position: 1)), // full-width digits are not ASCII digits
    ] as [(String, ICC.Problem?)])
    func validation(text: String, problem: ICC.Problem?) {
        #expect(ICC.validate(text) == problem)
    }

    @Test(arguments: ["89450100250731069754", "8944110063009871555", "000000000000000000", "01234567890123456789"])
    func keepsEveryDigitAsWritten(text: String) {
        #expect(ICC(unchecked: text).digits == text)
        #expect(ICC(unchecked: text).description == text)
    }

    @Test func equalityAndOrderFollowTheDigits() {
        let a = ICC(unchecked: "89450100250731069754")
        let b = ICC(unchecked: "89450100250731069812")
        let short = ICC(unchecked: "8944110063009871555")
        #expect(a == ICC(unchecked: "89450100250731069754"))
        #expect(a != b)
        #expect(a < b)
        #expect(short < a)
        #expect(ICC(unchecked: "00000000000000000001") != ICC(unchecked: "0000000000000000001"))
    }

    @Test func failableInitialiserRejectsInvalidText() {
        #expect(ICC("89450100250731069754") != nil)
        #expect(ICC("89450100250731069755") == nil)
    }

    @Test func luhnCheckDigit() {
        #expect(ICC.luhnCheckDigit(payload: Array("7992739871".utf8)) == 3)
        #expect(ICC.luhnCheckDigit(payload: Array("8945010025073106975".utf8)) == 4)
    }
}
