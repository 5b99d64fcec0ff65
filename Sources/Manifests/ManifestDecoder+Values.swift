import FleetModel
import Foundation
import YAML

extension ManifestDecoder {
    // MARK: Values

    mutating func decodeVersion(_ event: YAMLEvent) throws(YAMLSyntaxError) {
        guard let text = try text(event, key: "version") else { return }
        if text != String(ManifestSchema.version) {
            report(.versionUnsupported, event, "unsupported manifest version '\(Diagnostic.excerpt(text))'; this simfleet reads version \(ManifestSchema.version)")
        }
    }

    /// A scalar's text; reports and skips anything else.
    mutating func text(_ event: YAMLEvent, key: String) throws(YAMLSyntaxError) -> String? {
        switch event.kind {
        case .scalar where event.isNull:
            report(.valueMissing, event, "'\(key)' has no value; write one, or remove the key")
            return nil
        case .scalar:
            return event.value
        case .alias:
            return nil
        default:
            typeError(event, key: key, expected: "text")
            try skip(event)
            return nil
        }
    }

    mutating func boolean(_ event: YAMLEvent, key: String) throws(YAMLSyntaxError) -> Bool? {
        guard let text = try text(event, key: key) else { return nil }
        if event.isPlain {
            switch text {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        report(.valueType, event, "'\(key)' must be true or false, found '\(Diagnostic.excerpt(text))'\(event.isPlain ? "" : " in quotes"); write true or false without quotes")
        return nil
    }

    mutating func state(_ event: YAMLEvent) throws(YAMLSyntaxError) -> SIMState? {
        guard let text = try text(event, key: "state") else { return nil }
        if let state = SIMState(rawValue: text) { return state }
        let valid = SIMState.allCases.map(\.rawValue)
        if let suggestion = Suggestion.nearest(to: text, in: valid) {
            report(.stateUnknown, event, "unknown state '\(Diagnostic.excerpt(text))'; did you mean '\(suggestion)'? (valid states: \(Self.stateList))")
        } else {
            report(.stateUnknown, event, "unknown state '\(Diagnostic.excerpt(text))'; valid states are \(Self.stateList)")
        }
        return nil
    }

    mutating func labels(_ event: YAMLEvent) throws(YAMLSyntaxError) -> [String: String]? {
        guard try opensMapping(event, key: "labels", expected: "a mapping of text to text, e.g. {depot: aarhus}") else { return nil }
        return try textKeyedMapping(keysAre: "label names", keyNoun: "label", in: "'labels'") { decoder, name, value throws(YAMLSyntaxError) in
            // Checked, not kept, when the SIMs are not: nothing to build for a good value.
            if !decoder.keepsSIMs && value.kind == .scalar && !value.isNull { return nil }
            return try decoder.text(value, key: "labels.\(name)")
        }
    }

    mutating func callbackURL(_ event: YAMLEvent) throws(YAMLSyntaxError) -> String? {
        guard let text = try text(event, key: "callbackUrl") else { return nil }
        if let problem = CallbackURL.problem(with: text) {
            report(.callbackURL, event, problem)
            return nil
        }
        return text
    }

    mutating func expect(_ event: YAMLEvent) throws(YAMLSyntaxError) -> [String: ExpectedValue]? {
        guard try opensMapping(event, key: "expect", expected: "a mapping of status facts, e.g. {countryCode: DK}") else { return nil }
        var facts: [String: ExpectedValue] = [:]
        try forEachKey(in: event, fields: ManifestSchema.expectFields, context: "'expect'") { decoder, field, value throws(YAMLSyntaxError) in
            let wanted: (YAMLEvent.Kind, String) = switch field.type {
            case .expectedList: (.sequenceStart, "a list, e.g. [gps, eu]")
            case .expectedMapping: (.mappingStart, "a mapping, e.g. {id: 12}")
            default: (.scalar, "text")
            }
            guard value.kind == wanted.0 || value.kind == .alias else {
                decoder.typeError(value, key: "expect.\(field.key)", expected: wanted.1)
                try decoder.skip(value)
                return
            }
            if let fact = try decoder.expectedValue(value, key: "expect.\(field.key)", depth: 1) {
                facts[field.key] = fact
            }
        }
        return facts
    }

    mutating func expectedValue(_ event: YAMLEvent, key: String, depth: Int) throws(YAMLSyntaxError) -> ExpectedValue? {
        if depth > Self.maxExpectDepth, event.kind == .mappingStart || event.kind == .sequenceStart {
            report(.yamlDepth, event, "'\(key)' nests too deeply; /status facts are at most \(Self.maxExpectDepth) levels deep")
            try skip(event)
            return nil
        }
        switch event.kind {
        case .sequenceStart:
            var items: [ExpectedValue] = []
            while true {
                let item = try next()
                if item.kind == .sequenceEnd { break }
                if let value = try expectedValue(item, key: key, depth: depth + 1) { items.append(value) }
            }
            return .list(items)
        case .mappingStart:
            let map = try textKeyedMapping(keysAre: "keys in '\(key)'", keyNoun: "key", in: "'\(key)'") { decoder, name, value throws(YAMLSyntaxError) in
                try decoder.expectedValue(value, key: "\(key).\(name)", depth: depth + 1)
            }
            return .mapping(map)
        default:
            return try text(event, key: key).map(ExpectedValue.text)
        }
    }

    /// Whether `event` opens a mapping; if not, says what `key` must be and skips the value.
    mutating func opensMapping(_ event: YAMLEvent, key: String, expected: String) throws(YAMLSyntaxError) -> Bool {
        guard event.kind == .mappingStart else {
            if event.kind != .alias { typeError(event, key: key, expected: expected) }
            try skip(event)
            return false
        }
        return true
    }

    /// The rest of a mapping whose keys are free text (labels, `expect` facts): a key that
    /// is not text, or comes twice, is reported and its value skipped; `read` reads each
    /// value, nil leaving it out.
    mutating func textKeyedMapping<Value>(
        keysAre: String, keyNoun: String, in container: String,
        _ read: (inout ManifestDecoder, String, YAMLEvent) throws(YAMLSyntaxError) -> Value?
    ) throws(YAMLSyntaxError) -> [String: Value] {
        var map: [String: Value] = [:]
        // Keys seen so far: a short list on the decoder's shared stack (a SIM has a few
        // labels, and no allocation per SIM), a set once a mapping has many.
        let start = seenKeys.count
        var many: Set<String>?
        defer { seenKeys.removeSubrange(start...) }
        while true {
            let keyEvent = try next()
            if keyEvent.kind == .mappingEnd { break }
            guard keyEvent.kind == .scalar, !keyEvent.isNull else {
                if keyEvent.kind != .alias { report(.keyNotText, keyEvent, "\(keysAre) must be text, found \(keyEvent.kindName)") }
                try skip(keyEvent)
                try skip(try next())
                continue
            }
            let valueEvent = try next()
            let key = keyEvent.value
            let repeated: Bool
            if many != nil {
                repeated = !many!.insert(key).inserted
            } else if seenKeys[start...].contains(key) {
                repeated = true
            } else {
                repeated = false
                seenKeys.append(key)
                if seenKeys.count - start > 16 { many = Set(seenKeys[start...]) }
            }
            if repeated {
                report(.keyDuplicate, keyEvent, "\(keyNoun) '\(Diagnostic.excerpt(keyEvent.value))' appears twice in \(container); keep one")
                try skip(valueEvent)
                continue
            }
            if let value = try read(&self, keyEvent.value, valueEvent) { map[keyEvent.value] = value }
        }
        return map
    }
}
