import FleetModel
import Foundation
@testable import Manifests
import TestSupport
import Testing

@Suite struct SchemaTests {
    /// The committed schema editors point at must be what `simfleet schema` prints.
    @Test func committedSchemaIsCurrent() throws {
        let committed = Golden.packageRoot().appendingPathComponent("manifests/manifest.schema.json")
        let text = try String(contentsOf: committed, encoding: .utf8)
        #expect(text == ManifestJSONSchema.rendered(), "run: swift run simfleet schema > manifests/manifest.schema.json")
    }

    /// Every key the schema lists is one the loader accepts, with a value of the type it says.
    @Test func everySchemaKeyLoads() {
        func sample(_ type: ManifestSchema.ValueType) -> String {
            switch type {
            case .version: "1"
            case .text, .expectedText: "text"
            case .boolean: "true"
            case .icc: "\"89450100250731069754\""
            case .state: "active"
            case .labels: "{a: b}"
            case .callbackURL: "https://example.com/x"
            case .expect: "{" + ManifestSchema.expectFields.map { "\($0.key): \(sample($0.type))" }.joined(separator: ", ") + "}"
            case .expectedList: "[a]"
            case .expectedMapping: "{id: 1}"
            case .defaults, .sims: ""
            }
        }
        let entry = ManifestSchema.simFields.map { "\($0.key): \(sample($0.type))" }.joined(separator: ", ")
        let defaults = ManifestSchema.defaultsFields.map { "\($0.key): \(sample($0.type))" }.joined(separator: ", ")
        let text = "version: 1\ndefaults: {\(defaults)}\nsims:\n  - {\(entry)}\n"
        let set = ManifestLoader.load(sources: [ManifestSource(path: "all.yaml", text: text)])
        #expect(set.diagnostics.isEmpty)
        #expect(set.sims.count == 1)
    }

    @Test func schemaListsTheLoadersKeysAndStates() throws {
        let schema = ManifestJSONSchema.document()
        guard case .object(let properties)? = schema["properties"],
              case .object(let simProperties)? = schema["properties"]?["sims"]?["items"]?["properties"] else {
            Issue.record("no properties: \(schema)")
            return
        }
        #expect(Set(properties.keys) == Set(ManifestSchema.documentFields.map(\.key)))
        #expect(Set(simProperties.keys) == Set(ManifestSchema.simFields.map(\.key)))
        #expect(simProperties["state"]?["enum"] == .array(SIMState.allCases.map { .string($0.rawValue) }))
    }
}
