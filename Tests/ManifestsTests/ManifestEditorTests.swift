import FleetModel
@testable import Manifests
import TestSupport
import Testing

/// `simfleet set`'s edits: only the lines a change needs, everything else byte for byte.
@Suite struct ManifestEditorTests {
    static let a = "89450100250731069754", b = "89450100250731069937", c = "89450100250731070026"

    static func edit(_ text: String, _ iccs: [String], state: SIMState = .blocked, note: String? = nil) -> String? {
        let edits = Dictionary(uniqueKeysWithValues: iccs.map { (ICC(unchecked: $0), ManifestEditor.Edit(state: state, note: note)) })
        guard case .success(let result) = ManifestEditor.apply(edits, to: Array(text.utf8), path: "m.yaml") else { return nil }
        return String(decoding: result.bytes, as: UTF8.self)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var before: String
        var iccs: [String]
        var note: String?
        var after: String
    }

    static let cases: [Case] = [
        Case(testDescription: "own state replaced, comment kept",
             before: "sims:\n  - icc: \"\(a)\"  # truck\n    state: active   # why\n    name: t\n",
             iccs: [a], after: "sims:\n  - icc: \"\(a)\"  # truck\n    state: blocked   # why\n    name: t\n"),
        Case(testDescription: "inherited state: one line added after the icc",
             before: "defaults: {state: active}\nsims:\n  - icc: \"\(a)\"\n    # kept\n    name: t\n",
             iccs: [a], after: "defaults: {state: active}\nsims:\n  - icc: \"\(a)\"\n    state: blocked\n    # kept\n    name: t\n"),
        Case(testDescription: "flow entry", before: "defaults: {state: active}\nsims:\n  - {icc: \"\(a)\", name: t}\n",
             iccs: [a], note: "OPS-1", after: "defaults: {state: active}\nsims:\n  - {icc: \"\(a)\", name: t, state: blocked, note: \"OPS-1\"}\n"),
        Case(testDescription: "quoted state and a block-scalar note replaced",
             before: "sims:\n  - icc: \(a)\n    state: 'active'\n    note: |\n      old\n      lines\n    protect: true\n",
             iccs: [a], note: "new", after: "sims:\n  - icc: \(a)\n    state: blocked\n    note: \"new\"\n    protect: true\n"),
        Case(testDescription: "hostile note stays one quoted scalar",
             before: "sims:\n  - icc: \"\(a)\"\n    state: active\n",
             iccs: [a], note: "x\"\n  - icc: \"\(b)\"\n# \u{1B}[2J",
             after: "sims:\n  - icc: \"\(a)\"\n    note: \"x\\\"\\n  - icc: \\\"\(b)\\\"\\n# \\u001b[2J\"\n    state: blocked\n"),
        Case(testDescription: "CRLF file, no final line break",
             before: "defaults:\r\n  state: active\r\nsims:\r\n  - icc: \"\(a)\"",
             iccs: [a], after: "defaults:\r\n  state: active\r\nsims:\r\n  - icc: \"\(a)\"\r\n    state: blocked\r\n"),
        Case(testDescription: "second document, other SIMs untouched, unicode before the value",
             before: "sims:\n  - {icc: \"\(b)\", state: active}\n---\nsims:\n  - {icc: \"\(a)\", name: \"🚚 naïve\", state: active}\n",
             iccs: [a], after: "sims:\n  - {icc: \"\(b)\", state: active}\n---\nsims:\n  - {icc: \"\(a)\", name: \"🚚 naïve\", state: blocked}\n"),
    ]

    @Test(arguments: cases)
    func editsOnlyWhatItMust(_ test: Case) throws {
        let after = try #require(Self.edit(test.before, test.iccs, note: test.note))
        #expect(after == test.after)
        // And it reads back as asked.
        let file = ManifestDecoder.decode(path: "m.yaml", bytes: Array(after.utf8))
        let sim = try #require(file.sims.first { test.iccs.contains($0.icc.digits) })
        #expect(sim.state == .blocked)
        if let note = test.note { #expect(sim.note == note) }
    }

    @Test func aFileWithSyntaxErrorsIsNotEdited() {
        let result = ManifestEditor.apply([ICC(unchecked: Self.a): .init(state: .blocked, note: nil)], to: Array("sims: [\n".utf8), path: "m.yaml")
        guard case .failure(let diagnostic) = result else { Issue.record("edited a broken file"); return }
        #expect(coded([diagnostic]) == ["m.yaml:2:1: error: SF-YAML-SYNTAX"])
    }

    @Test func iccsDeclaredElsewhereAreLeftAlone() throws {
        let text = "sims:\n  - {icc: \"\(Self.a)\", state: active}\n"
        guard case .success(let result) = ManifestEditor.apply([ICC(unchecked: Self.c): .init(state: .blocked, note: nil)], to: Array(text.utf8), path: "m.yaml")
        else { Issue.record("failed"); return }
        #expect(result.edited.isEmpty)
        #expect(result.bytes == Array(text.utf8))
    }
}
