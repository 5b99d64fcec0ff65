import Foundation
import TestSupport
import Testing

/// Codes are a contract with CI and scripts: each is declared once in Sources, and the
/// README lists exactly the declared ones.
@Suite struct DiagnosticCodeTests {
    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    static func declared() throws -> [String] {
        let sources = Golden.packageRoot().appendingPathComponent("Sources")
        var codes: [String] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            codes += matches(#"DiagnosticCode\("(SF-[A-Z0-9-]+)"\)"#, in: try String(contentsOf: file, encoding: .utf8))
        }
        return codes
    }

    @Test func eachCodeIsDeclaredOnceAndListedInTheReadme() throws {
        let declared = try Self.declared()
        #expect(declared.count >= 40, "found \(declared.count); did the declaration form change?")
        #expect(Set(declared).count == declared.count, "declared twice: \(Dictionary(grouping: declared, by: { $0 }).filter { $0.value.count > 1 }.keys)")
        let readme = try String(contentsOf: Golden.packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let listed = Self.matches(#"\n\| `(SF-[A-Z0-9-]+)` \|"#, in: readme)
        #expect(listed == listed.sorted(), "the README's list is sorted")
        #expect(Set(listed) == Set(declared), "only in Sources: \(Set(declared).subtracting(listed).sorted()); only in the README: \(Set(listed).subtracting(declared).sorted())")
    }
}
