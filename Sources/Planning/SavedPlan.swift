import FleetModel
import Foundation
import NexConAPI

/// A JSON plan read back for apply: what was reviewed, and where it was made against.
public struct SavedPlan: Sendable {
    public var target: PlanTarget
    public var manifestDigest: String
    public var simfleetVersion: String
    public var steps: [Step]
    /// How many SIMs were in scope, for the blast-radius guard.
    public var managed: Int

    struct Document: Decodable {
        struct Target: Decodable { var kind: String; var url: String }
        struct Summary: Decodable { var managed: Int }
        struct SavedStep: Decodable {
            var icc: String
            var name: String?
            var action: String
            var from: String
            var to: String
            var wave: Int
            var refused: Bool
            var reason: String?
            var note: String?
            var callbackUrl: String?
            var protect: Bool?
        }
        var formatVersion: Int
        var simfleetVersion: String
        var target: Target
        var manifestDigest: String
        var summary: Summary
        var steps: [SavedStep]
    }

    /// Reads a plan written by `simfleet plan --out`; every problem is a diagnostic for `path`.
    public static func read(path: String, bytes: Data) -> Result<SavedPlan, Diagnostic> {
        let location = SourceLocation(path: path)
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: bytes)
        } catch {
            return .failure(.error(at: location, "not a simfleet plan (\(Self.describe(error))); make one with 'simfleet plan --out FILE'"))
        }
        guard document.formatVersion == 1 else {
            return .failure(.error(at: location, "plan format \(document.formatVersion) is not supported by this simfleet; plan again"))
        }
        guard let kind = PlanTarget.Kind(rawValue: document.target.kind) else {
            return .failure(.error(at: location, "unknown plan target '\(document.target.kind)'"))
        }
        var steps: [Step] = []
        for (index, saved) in document.steps.enumerated() {
            guard ICC.validate(saved.icc) == nil, let action = SIMAction(rawValue: saved.action),
                  let from = SIMState(rawValue: saved.from), let to = SIMState(rawValue: saved.to),
                  to == action.target, saved.wave >= 1
            else {
                return .failure(.error(at: location, "step \(index + 1) is malformed (\(saved.action) \(saved.icc)); plan again rather than editing the file"))
            }
            steps.append(Step(icc: ICC(unchecked: saved.icc), name: saved.name, action: action, from: from, to: to,
                              wave: saved.wave, refused: saved.refused, reason: saved.reason, note: saved.note,
                              callbackURL: saved.callbackUrl, protect: saved.protect ?? false, location: location))
        }
        return .success(SavedPlan(target: PlanTarget(kind: kind, url: document.target.url), manifestDigest: document.manifestDigest,
                                  simfleetVersion: document.simfleetVersion, steps: steps, managed: document.summary.managed))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: "it is not valid JSON"
        default: "\(error)"
        }
    }
}
