import FleetModel

/// The manifest format as a JSON Schema (draft 2020-12), built from `ManifestSchema`.
public enum ManifestJSONSchema {
    public static func document() -> JSONValue {
        .object([
            "$schema": .string("https://json-schema.org/draft/2020-12/schema"),
            "$id": .string("https://simfleet.dev/schema/manifest-v\(ManifestSchema.version).json"),
            "title": .string("simfleet manifest, version \(ManifestSchema.version)"),
            "description": .string("A YAML document declaring NexCon SIM cards and the state simfleet keeps them in."),
            "type": .string("object"),
            "additionalProperties": .bool(false),
            "properties": properties(ManifestSchema.documentFields),
        ])
    }

    /// Pretty, keys sorted: the committed `manifests/manifest.schema.json` is compared with it.
    public static func rendered() -> String {
        JSONWriter.pretty(document()) + "\n"
    }

    static func properties(_ fields: [ManifestSchema.Field]) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        for field in fields {
            var schema = schema(for: field.type)
            schema["description"] = .string(field.summary)
            properties[field.key] = .object(schema)
        }
        return .object(properties)
    }

    static func schema(for type: ManifestSchema.ValueType) -> [String: JSONValue] {
        let scalar: JSONValue = .array([.string("string"), .string("number"), .string("boolean")])
        switch type {
        case .version:
            return ["const": .number(String(ManifestSchema.version))]
        case .text, .expectedText:
            return ["type": scalar]
        case .boolean:
            return ["type": .string("boolean")]
        case .icc:
            return [
                "type": .array([.string("string"), .string("integer")]),
                "pattern": .string("^[0-9]{\(ICC.lengths.lowerBound),\(ICC.lengths.upperBound)}$"),
            ]
        case .state:
            return ["enum": .array(SIMState.allCases.map { .string($0.rawValue) })]
        case .labels:
            return ["type": .string("object"), "additionalProperties": .object(["type": scalar])]
        case .callbackURL:
            return ["type": .string("string"), "pattern": .string("^(https://|http://(127\\.|localhost|\\[::1\\]))")]
        case .defaults:
            return ["type": .string("object"), "additionalProperties": .bool(false), "properties": properties(ManifestSchema.defaultsFields)]
        case .sims:
            return [
                "type": .string("array"),
                "items": .object([
                    "type": .string("object"), "additionalProperties": .bool(false),
                    "required": .array([.string("icc")]),
                    "properties": properties(ManifestSchema.simFields),
                ]),
            ]
        case .expect:
            return ["type": .string("object"), "additionalProperties": .bool(false), "properties": properties(ManifestSchema.expectFields)]
        case .expectedList:
            return ["type": .string("array")]
        case .expectedMapping:
            return ["type": .string("object")]
        }
    }
}
