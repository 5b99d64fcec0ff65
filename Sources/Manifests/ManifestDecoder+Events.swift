import FleetModel
import Foundation
import YAML

extension ManifestDecoder {
    // MARK: Events

    /// The next event; reports YAML features the format leaves out on purpose.
    mutating func next() throws(YAMLSyntaxError) -> YAMLEvent {
        let event = try parser.next()
        guard event.anchor != nil || event.tag != nil || event.kind == .alias else { return event }
        for problem in YAMLRules.unsupported(event, instead: "put shared values under 'defaults:' instead") {
            report(.yamlUnsupported, event, problem)
        }
        return event
    }

    /// Consumes the rest of the node that `start` opened, without recursion.
    mutating func skip(_ start: YAMLEvent) throws(YAMLSyntaxError) {
        try YAMLRules.skip(start) { () throws(YAMLSyntaxError) in try next() }
    }

    /// A line and column in this file; made into a `SourceLocation` only when kept.
    struct Position {
        var line: Int32
        var column: Int32
        init(_ event: YAMLEvent) {
            line = Int32(truncatingIfNeeded: event.line)
            column = Int32(truncatingIfNeeded: event.column)
        }
    }

    func location(_ position: Position) -> SourceLocation {
        SourceLocation(path: path, line: Int(position.line), column: Int(position.column))
    }

    func location(_ event: YAMLEvent) -> SourceLocation {
        SourceLocation(path: path, line: event.line, column: event.column)
    }

    mutating func report(_ code: DiagnosticCode, _ event: YAMLEvent, _ message: String) {
        diagnostics.append(.error(code, at: location(event), message))
    }

    mutating func typeError(_ event: YAMLEvent, key: String, expected: String) {
        report(.valueType, event, "'\(key)' must be \(expected), found \(event.kindName)")
    }
}
