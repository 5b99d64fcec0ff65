import FleetModel
import Manifests
import TestSupport
import Testing
import Views

/// One bad manifest and the diagnostics it must produce, in order, as
/// `path:line:column: severity: CODE`. The wording of every case is pinned once, in
/// `Fixtures/invalid-manifests.txt`.
struct BadManifest: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    let expected: [String]
    var testDescription: String { name }
}


private let ok = #"icc: "89450100250731069754""#

@Suite struct InvalidManifestTests {
    static let cases: [BadManifest] = [
        BadManifest(name: "unknown key with suggestion", yaml: """
            sims:
              - \(ok)
                stat: active
            """, expected: [
                "m.yaml:3:5: error: SF-KEY-UNKNOWN",
                "m.yaml:2:5: error: SF-STATE-MISSING",
            ].sorted()),
        BadManifest(name: "unknown key without suggestion", yaml: """
            fleet: trucks
            sims: []
            """, expected: [
                "m.yaml:1:1: error: SF-KEY-UNKNOWN",
            ]),
        BadManifest(name: "wrong check digit names the right one", yaml: """
            sims:
              - icc: 89450100250731069755
                state: active
            """, expected: [
                "m.yaml:2:10: error: SF-ICC-CHECKDIGIT",
            ]),
        BadManifest(name: "non-digit ICC", yaml: """
            sims:
              - icc: "8945 0100 2507 3106 9754"
                state: active
            """, expected: [
                "m.yaml:2:10: error: SF-ICC-DIGITS",
            ]),
        BadManifest(name: "ICC too short", yaml: """
            sims:
              - {icc: 8945010025073106, state: active}
            """, expected: [
                "m.yaml:2:11: error: SF-ICC-LENGTH",
            ]),
        BadManifest(name: "ICC as a float is read as written, not converted", yaml: """
            sims:
              - {icc: 8.945010025073106e19, state: active}
            """, expected: [
                "m.yaml:2:11: error: SF-ICC-DIGITS",
            ]),
        BadManifest(name: "missing icc", yaml: """
            sims:
              - name: truck-1
                state: active
            """, expected: [
                "m.yaml:2:5: error: SF-ICC-MISSING",
            ]),
        BadManifest(name: "missing state", yaml: """
            sims:
              - \(ok)
            """, expected: [
                "m.yaml:2:5: error: SF-STATE-MISSING",
            ]),
        BadManifest(name: "unknown state with suggestion", yaml: """
            sims:
              - \(ok)
                state: blokced
            """, expected: [
                "m.yaml:3:12: error: SF-STATE-UNKNOWN",
            ]),
        BadManifest(name: "unknown state without suggestion", yaml: """
            sims:
              - \(ok)
                state: suspended
            """, expected: [
                "m.yaml:3:12: error: SF-STATE-UNKNOWN",
            ]),
        BadManifest(name: "duplicate key", yaml: """
            sims:
              - \(ok)
                state: active
                state: blocked
            """, expected: [
                "m.yaml:4:5: error: SF-KEY-DUPLICATE",
            ]),
        BadManifest(name: "duplicate label", yaml: """
            sims:
              - \(ok)
                state: active
                labels: {depot: aarhus, depot: odense}
            """, expected: [
                "m.yaml:4:29: error: SF-KEY-DUPLICATE",
            ]),
        BadManifest(name: "duplicate ICC names both places", yaml: """
            sims:
              - \(ok)
                state: active
              - \(ok)
                state: blocked
            """, expected: [
                "m.yaml:4:5: error: SF-ICC-DUPLICATE",
            ]),
        BadManifest(name: "wrong types", yaml: """
            defaults:
              labels: [trucks]
            sims:
              - \(ok)
                name: {first: truck}
                state: active
                protect: "true"
                expect: DK
            """, expected: [
                "m.yaml:2:11: error: SF-VALUE-TYPE",
                "m.yaml:5:11: error: SF-VALUE-TYPE",
                "m.yaml:7:14: error: SF-VALUE-TYPE",
                "m.yaml:8:13: error: SF-VALUE-TYPE",
            ]),
        BadManifest(name: "yes is not a boolean", yaml: """
            sims:
              - \(ok)
                state: active
                protect: yes
            """, expected: [
                "m.yaml:4:14: error: SF-VALUE-TYPE",
            ]),
        BadManifest(name: "protect contradicts terminated", yaml: """
            sims:
              - \(ok)
                state: terminated
                protect: true
            """, expected: [
                "m.yaml:4:5: error: SF-PROTECT-TERMINATED",
            ]),
        BadManifest(name: "protect from defaults contradicts terminated", yaml: """
            defaults:
              protect: true
            sims:
              - \(ok)
                state: terminated
              - icc: "89450100250731069937"
                state: active
            """, expected: [
                "m.yaml:2:3: error: SF-PROTECT-TERMINATED",
            ]),
        BadManifest(name: "sims must be a list", yaml: """
            sims:
              icc: "89450100250731069754"
            """, expected: [
                "m.yaml:2:3: error: SF-VALUE-TYPE",
            ]),
        BadManifest(name: "document must be a mapping", yaml: """
            - icc: "89450100250731069754"
            """, expected: [
                "m.yaml:1:1: error: SF-MANIFEST-SHAPE",
            ]),
        BadManifest(name: "unsupported version", yaml: """
            version: 2
            sims: []
            """, expected: [
                "m.yaml:1:10: error: SF-VERSION-UNSUPPORTED",
            ]),
        BadManifest(name: "plain http callback", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: http://ops.example.com/jobs
            """, expected: [
                "m.yaml:4:18: error: SF-CALLBACK-URL",
            ]),
        BadManifest(name: "callback to a host that only looks like loopback", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: http://127.example.com/jobs
            """, expected: [
                "m.yaml:4:18: error: SF-CALLBACK-URL",
            ]),
        BadManifest(name: "callback that is not a URL", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: ops.example.com
            """, expected: [
                "m.yaml:4:18: error: SF-CALLBACK-URL",
            ]),
        BadManifest(name: "anchors and aliases point to defaults", yaml: """
            sims:
              - icc: "89450100250731069754"
                state: &s active
              - icc: "89450100250731069812"
                state: *s
            """, expected: [
                "m.yaml:3:12: error: SF-YAML-UNSUPPORTED",
                "m.yaml:5:12: error: SF-YAML-UNSUPPORTED",
            ]),
        BadManifest(name: "explicit tag", yaml: """
            sims:
              - \(ok)
                state: !!str active
            """, expected: [
                "m.yaml:3:12: error: SF-YAML-UNSUPPORTED",
            ]),
        BadManifest(name: "unknown expect key and wrong expect type", yaml: """
            sims:
              - \(ok)
                state: active
                expect: {country: DK, tags: gps}
            """, expected: [
                "m.yaml:4:14: error: SF-KEY-UNKNOWN",
                "m.yaml:4:33: error: SF-VALUE-TYPE",
            ]),
        BadManifest(name: "null value", yaml: """
            sims:
              - \(ok)
                state:
            """, expected: [
                "m.yaml:3:11: error: SF-VALUE-MISSING",
            ]),
        BadManifest(name: "syntax error keeps earlier findings", yaml: """
            sims:
              - icc: "89450100250731069755"
                state: active
               bad: [
            """, expected: [
                "m.yaml:4:4: error: SF-YAML-SYNTAX",
            ]),
        BadManifest(name: "unclosed quote", yaml: """
            sims:
              - icc: "89450100250731069754
                state: active
            """, expected: [
                "m.yaml:4:1: error: SF-YAML-SYNTAX",
            ]),
        BadManifest(name: "tab indentation", yaml: "sims:\n\t- icc: x\n", expected: [
            "m.yaml:2:1: error: SF-YAML-SYNTAX",
        ]),
        BadManifest(name: "every problem of a file at once", yaml: """
            version: 1
            defaults:
              stat: active
            sims:
              - icc: 89450100250731069755
                state: activ
              - icc: "89450100250731069812"
                state: active
                colour: red
            """, expected: [
                "m.yaml:3:3: error: SF-KEY-UNKNOWN",
                "m.yaml:5:10: error: SF-ICC-CHECKDIGIT",
                "m.yaml:6:12: error: SF-STATE-UNKNOWN",
                "m.yaml:9:5: error: SF-KEY-UNKNOWN",
            ]),
    ]

    static func load(_ bad: BadManifest) -> ManifestSet {
        ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", text: bad.yaml + "\n")])
    }

    @Test(arguments: cases)
    func reportsExactDiagnostics(_ bad: BadManifest) {
        let set = Self.load(bad)
        #expect(coded(set.diagnostics) == bad.expected)
        #expect(!set.isValid)
    }

    /// Every case's messages as a person reads them, in one golden file.
    @Test func wordingOfEveryCase() {
        let text = Self.cases.map { bad in
            "# \(bad.name)\n" + Self.load(bad).diagnostics.map { $0.formatted + "\n" }.joined()
        }.joined(separator: "\n")
        Golden.check(text, matches: "invalid-manifests.txt", in: Golden.fixtures())
    }

    @Test func invalidUTF8IsReportedWhereItIs() {
        var bytes = Array("sims:\n  - icc: \"89450100250731069754\"\n    name: ".utf8)
        bytes += [0xFF, 0xFE, 0x0A]
        let set = ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", bytes: bytes)])
        #expect(coded(set.diagnostics) == [
            "m.yaml:3:11: error: SF-YAML-ENCODING",
        ])
    }

    /// Latin-1 "café": the error points at the é itself, not at the byte after it.
    @Test(arguments: [([0x63, 0x61, 0x66, 0xE9, 0x2C] as [UInt8], 15), ([0xC3] as [UInt8], 12), ([0x61, 0xE2, 0x82] as [UInt8], 13)])
    func invalidUTF8IsLocatedAtTheBrokenCharacter(value: [UInt8], column: Int) {
        let bytes = Array("sims:\n  - {name: ".utf8) + value + Array(" icc: \"89450100250731069754\", state: active}\n".utf8)
        let set = ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", bytes: bytes)])
        #expect(set.diagnostics.first?.location == SourceLocation(path: "m.yaml", line: 2, column: column), "\(set.diagnostics.map(\.formatted))")
    }

    @Test func duplicateICCsAcrossFilesNameBothFiles() {
        let a = ManifestSource(path: "a.yaml", text: "sims:\n  - {\(ok), state: active}\n")
        let b = ManifestSource(path: "b.yaml", text: "sims:\n  - {name: x, \(ok), state: blocked}\n")
        let set = ManifestLoader.load(sources: [a, b])
        #expect(coded(set.diagnostics) == [
            "b.yaml:2:5: error: SF-ICC-DUPLICATE",
        ])
        #expect(set.diagnostics.first?.notes == [Diagnostic.Note(at: SourceLocation(path: "a.yaml", line: 2, column: 5), "first declared here")])
    }
}
