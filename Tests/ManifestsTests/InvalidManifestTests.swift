import FleetModel
import Manifests
import Testing
import Views

/// One bad manifest and the exact diagnostics it must produce, in order.
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
                "m.yaml:3:5: error: unknown key 'stat' in a SIM entry; did you mean 'state'?",
                "m.yaml:2:5: error: SIM 89450100250731069754 has no 'state'; set 'state:' on the entry or under this document's 'defaults:' (one of active, blocked, inactive, terminated)",
            ].sorted()),
        BadManifest(name: "unknown key without suggestion", yaml: """
            fleet: trucks
            sims: []
            """, expected: [
                "m.yaml:1:1: error: unknown key 'fleet' in a manifest document; valid keys are version, defaults, sims",
            ]),
        BadManifest(name: "wrong check digit names the right one", yaml: """
            sims:
              - icc: 89450100250731069755
                state: active
            """, expected: [
                "m.yaml:2:10: error: ICC '89450100250731069755' fails its Luhn check: the last digit should be 4, not 5; look for transposed or mistyped digits",
            ]),
        BadManifest(name: "non-digit ICC", yaml: """
            sims:
              - icc: "8945 0100 2507 3106 9754"
                state: active
            """, expected: [
                "m.yaml:2:10: error: ICC '8945 0100 2507 3106 9754' must be digits only, but character 5 is ' '; remove spaces, dashes and letters",
            ]),
        BadManifest(name: "ICC too short", yaml: """
            sims:
              - {icc: 8945010025073106, state: active}
            """, expected: [
                "m.yaml:2:11: error: ICC '8945010025073106' has 16 digits, but an ICC has 18 to 20; check for a missing or extra digit",
            ]),
        BadManifest(name: "ICC as a float is read as written, not converted", yaml: """
            sims:
              - {icc: 8.945010025073106e19, state: active}
            """, expected: [
                "m.yaml:2:11: error: ICC '8.945010025073106e19' must be digits only, but character 2 is '.'; remove spaces, dashes and letters",
            ]),
        BadManifest(name: "missing icc", yaml: """
            sims:
              - name: truck-1
                state: active
            """, expected: [
                "m.yaml:2:5: error: this SIM entry has no 'icc'; add the ICC printed on the SIM card (18 to 20 digits)",
            ]),
        BadManifest(name: "missing state", yaml: """
            sims:
              - \(ok)
            """, expected: [
                "m.yaml:2:5: error: SIM 89450100250731069754 has no 'state'; set 'state:' on the entry or under this document's 'defaults:' (one of active, blocked, inactive, terminated)",
            ]),
        BadManifest(name: "unknown state with suggestion", yaml: """
            sims:
              - \(ok)
                state: blokced
            """, expected: [
                "m.yaml:3:12: error: unknown state 'blokced'; did you mean 'blocked'? (valid states: active, blocked, inactive, terminated)",
            ]),
        BadManifest(name: "unknown state without suggestion", yaml: """
            sims:
              - \(ok)
                state: suspended
            """, expected: [
                "m.yaml:3:12: error: unknown state 'suspended'; valid states are active, blocked, inactive, terminated",
            ]),
        BadManifest(name: "duplicate key", yaml: """
            sims:
              - \(ok)
                state: active
                state: blocked
            """, expected: [
                "m.yaml:4:5: error: key 'state' appears twice in a SIM entry; keep one",
            ]),
        BadManifest(name: "duplicate label", yaml: """
            sims:
              - \(ok)
                state: active
                labels: {depot: aarhus, depot: odense}
            """, expected: [
                "m.yaml:4:29: error: label 'depot' appears twice in 'labels'; keep one",
            ]),
        BadManifest(name: "duplicate ICC names both places", yaml: """
            sims:
              - \(ok)
                state: active
              - \(ok)
                state: blocked
            """, expected: [
                "m.yaml:4:5: error: ICC 89450100250731069754 is declared twice: here and at m.yaml:2:5; keep one entry per SIM",
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
                "m.yaml:2:11: error: 'labels' must be a mapping of text to text, e.g. {depot: aarhus}, found a sequence",
                "m.yaml:5:11: error: 'name' must be text, found a mapping",
                "m.yaml:7:14: error: 'protect' must be true or false, found 'true' in quotes; write true or false without quotes",
                "m.yaml:8:13: error: 'expect' must be a mapping of status facts, e.g. {countryCode: DK}, found text",
            ]),
        BadManifest(name: "yes is not a boolean", yaml: """
            sims:
              - \(ok)
                state: active
                protect: yes
            """, expected: [
                "m.yaml:4:14: error: 'protect' must be true or false, found 'yes'; write true or false without quotes",
            ]),
        BadManifest(name: "protect contradicts terminated", yaml: """
            sims:
              - \(ok)
                state: terminated
                protect: true
            """, expected: [
                "m.yaml:4:5: error: SIM 89450100250731069754 sets protect: true and state: terminated, which no run can satisfy; remove one of the two",
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
                "m.yaml:2:3: error: SIM 89450100250731069754 sets protect: true and state: terminated, which no run can satisfy; remove one of the two",
            ]),
        BadManifest(name: "sims must be a list", yaml: """
            sims:
              icc: "89450100250731069754"
            """, expected: [
                "m.yaml:2:3: error: 'sims' must be a list of SIM entries ('- icc: ...'), found a mapping",
            ]),
        BadManifest(name: "document must be a mapping", yaml: """
            - icc: "89450100250731069754"
            """, expected: [
                "m.yaml:1:1: error: a manifest document must be a mapping with a 'sims:' list, found a sequence; see manifests/ for examples",
            ]),
        BadManifest(name: "unsupported version", yaml: """
            version: 2
            sims: []
            """, expected: [
                "m.yaml:1:10: error: unsupported manifest version '2'; this simfleet reads version 1",
            ]),
        BadManifest(name: "plain http callback", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: http://ops.example.com/jobs
            """, expected: [
                "m.yaml:4:18: error: callbackUrl 'http://ops.example.com/jobs' uses plain http; use https (plain http is allowed only for loopback hosts such as 127.0.0.1)",
            ]),
        BadManifest(name: "callback to a host that only looks like loopback", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: http://127.example.com/jobs
            """, expected: [
                "m.yaml:4:18: error: callbackUrl 'http://127.example.com/jobs' uses plain http; use https (plain http is allowed only for loopback hosts such as 127.0.0.1)",
            ]),
        BadManifest(name: "callback that is not a URL", yaml: """
            sims:
              - \(ok)
                state: active
                callbackUrl: ops.example.com
            """, expected: [
                "m.yaml:4:18: error: callbackUrl 'ops.example.com' is not a valid URL; write it as https://host/path",
            ]),
        BadManifest(name: "anchors and aliases point to defaults", yaml: """
            sims:
              - icc: "89450100250731069754"
                state: &s active
              - icc: "89450100250731069812"
                state: *s
            """, expected: [
                "m.yaml:3:12: error: anchors (&s) are not supported; put shared values under 'defaults:' instead",
                "m.yaml:5:12: error: aliases (*s) are not supported; put shared values under 'defaults:' instead",
            ]),
        BadManifest(name: "explicit tag", yaml: """
            sims:
              - \(ok)
                state: !!str active
            """, expected: [
                "m.yaml:3:12: error: explicit tags ('!!str') are not supported; remove the tag and quote the value if it must be text",
            ]),
        BadManifest(name: "unknown expect key and wrong expect type", yaml: """
            sims:
              - \(ok)
                state: active
                expect: {country: DK, tags: gps}
            """, expected: [
                "m.yaml:4:14: error: unknown key 'country' in 'expect'; did you mean 'countryCode'?",
                "m.yaml:4:33: error: 'expect.tags' must be a list, e.g. [gps, eu], found text",
            ]),
        BadManifest(name: "null value", yaml: """
            sims:
              - \(ok)
                state:
            """, expected: [
                "m.yaml:3:11: error: 'state' has no value; write one, or remove the key",
            ]),
        BadManifest(name: "syntax error keeps earlier findings", yaml: """
            sims:
              - icc: "89450100250731069755"
                state: active
               bad: [
            """, expected: [
                "m.yaml:4:4: error: YAML syntax error: did not find expected '-' indicator while parsing a block collection at line 2, column 3",
            ]),
        BadManifest(name: "unclosed quote", yaml: """
            sims:
              - icc: "89450100250731069754
                state: active
            """, expected: [
                "m.yaml:4:1: error: YAML syntax error: found unexpected end of stream while scanning a quoted scalar at line 2, column 10",
            ]),
        BadManifest(name: "tab indentation", yaml: "sims:\n\t- icc: x\n", expected: [
            "m.yaml:2:1: error: YAML syntax error: found character that cannot start any token while scanning for the next token at line 2, column 1",
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
                "m.yaml:3:3: error: unknown key 'stat' in 'defaults'; did you mean 'state'?",
                "m.yaml:5:10: error: ICC '89450100250731069755' fails its Luhn check: the last digit should be 4, not 5; look for transposed or mistyped digits",
                "m.yaml:6:12: error: unknown state 'activ'; did you mean 'active'? (valid states: active, blocked, inactive, terminated)",
                "m.yaml:9:5: error: unknown key 'colour' in a SIM entry; valid keys are icc, name, state, labels, protect, callbackUrl, expect, note",
            ]),
    ]

    @Test(arguments: cases)
    func reportsExactDiagnostics(_ bad: BadManifest) {
        let set = ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", text: bad.yaml + "\n")])
        #expect(set.diagnostics.map(\.formatted) == bad.expected)
        #expect(!set.isValid)
    }

    @Test func invalidUTF8IsReportedWhereItIs() {
        var bytes = Array("sims:\n  - icc: \"89450100250731069754\"\n    name: ".utf8)
        bytes += [0xFF, 0xFE, 0x0A]
        let set = ManifestLoader.load(sources: [ManifestSource(path: "m.yaml", bytes: bytes)])
        #expect(set.diagnostics.map(\.formatted) == [
            "m.yaml:3:11: error: the file is not valid UTF-8 (invalid leading UTF-8 octet at byte 48); save it as UTF-8",
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
        #expect(set.diagnostics.map(\.formatted) == [
            "b.yaml:2:5: error: ICC 89450100250731069754 is declared twice: here and at a.yaml:2:5; keep one entry per SIM",
        ])
    }
}
