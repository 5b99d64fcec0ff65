import FleetModel
import Foundation
import TestSupport
import Testing

/// Codes are a contract with CI and scripts: the README lists exactly the registered ones,
/// in order, and the source declares no code outside the registry.
@Suite struct DiagnosticCodeTests {
    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    @Test func theReadmeListsEveryCode() throws {
        let registered = DiagnosticCode.allCases.map(\.rawValue)
        #expect(Set(registered).count == registered.count)
        let readme = try String(contentsOf: Golden.packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let listed = Self.matches(#"\n\| `(SF-[A-Z0-9-]+)` \|"#, in: readme)
        #expect(listed == registered.sorted(), "only registered: \(Set(registered).subtracting(listed).sorted()); only in the README: \(Set(listed).subtracting(registered).sorted())")
    }

    /// Every code in the registry is emitted somewhere: a code nothing uses is a promise
    /// the README makes falsely.
    @Test func everyCodeIsEmitted() throws {
        let sources = Golden.packageRoot().appendingPathComponent("Sources")
        var text = ""
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        where file.pathExtension == "swift" && file.lastPathComponent != "DiagnosticCode.swift" {
            text += try String(contentsOf: file, encoding: .utf8)
        }
        // `String(reflecting:)` names the case: "FleetModel.DiagnosticCode.iccDigits".
        let names = DiagnosticCode.allCases.map { String(String(reflecting: $0).split(separator: ".").last!) }
        #expect(names.contains("iccCheckDigit"))
        let unused = names.filter { !text.contains(".\($0)") }
        #expect(unused.isEmpty, "registered but never emitted: \(unused)")
    }
}
