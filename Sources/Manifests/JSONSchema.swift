import FleetModel
import Foundation

/// The manifest format as a JSON Schema (draft 2020-12), built from `ManifestSchema`.
public enum ManifestJSONSchema {
    public static func document() -> [String: Any] {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://simfleet.dev/schema/manifest-v\(ManifestSchema.version).json",
            "title": "simfleet manifest, version \(ManifestSchema.version)",
            "description": "A YAML document declaring NexCon SIM cards and the state simfleet keeps them in.",
            "type": "object",
            "additionalProperties": false,
            "properties": properties(ManifestSchema.documentFields),
        ]
    }

    public static func rendered() -> String {
        let data = try! JSONSerialization.data(withJSONObject: document(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func properties(_ fields: [ManifestSchema.Field]) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in fields {
            var schema = schema(for: field.type)
            schema["description"] = field.summary
            properties[field.key] = schema
        }
        return properties
    }

    static func schema(for type: ManifestSchema.ValueType) -> [String: Any] {
        let text: [String: Any] = ["type": "string"]
        switch type {
        case .version:
            return ["const": ManifestSchema.version]
        case .text, .expectedText:
            return ["type": ["string", "number", "boolean"]]
        case .boolean:
            return ["type": "boolean"]
        case .icc:
            return [
                "type": ["string", "integer"],
                "pattern": "^[0-9]{\(ICC.lengths.lowerBound),\(ICC.lengths.upperBound)}$",
            ]
        case .state:
            return ["enum": SIMState.allCases.map(\.rawValue)]
        case .labels:
            return ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean"]]]
        case .callbackURL:
            return text.merging(["pattern": "^(https://|http://(127\\.|localhost|\\[::1\\]))"]) { $1 }
        case .defaults:
            return ["type": "object", "additionalProperties": false, "properties": properties(ManifestSchema.defaultsFields)]
        case .sims:
            return [
                "type": "array",
                "items": [
                    "type": "object", "additionalProperties": false,
                    "required": ["icc"],
                    "properties": properties(ManifestSchema.simFields),
                ] as [String: Any],
            ]
        case .expect:
            return ["type": "object", "additionalProperties": false, "properties": properties(ManifestSchema.expectFields)]
        case .expectedList:
            return ["type": "array"]
        case .expectedMapping:
            return ["type": "object"]
        }
    }
}
