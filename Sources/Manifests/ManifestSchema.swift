import FleetModel

/// The manifest format, version 1, as data.
///
/// The loader checks keys against these tables and `simfleet schema` turns the same
/// tables into a JSON Schema, so the two cannot disagree.
public enum ManifestSchema {
    public static let version = 1

    /// What a key's value must be.
    public enum ValueType: Sendable, Equatable {
        case version
        case text
        case boolean
        case icc
        case state
        case labels
        case callbackURL
        case defaults
        case sims
        case expect
        /// Inside `expect:`: text, a list of text, or a mapping of text.
        case expectedText, expectedList, expectedMapping
    }

    public struct Field: Sendable {
        public let key: String
        public let type: ValueType
        public let summary: String
    }

    /// Keys at the top of a document.
    public static let documentFields: [Field] = [
        Field(key: "version", type: .version, summary: "Manifest format version. Optional; must be 1."),
        Field(key: "defaults", type: .defaults, summary: "Values applied to every SIM of this document; the SIM's own value wins."),
        Field(key: "sims", type: .sims, summary: "The SIM cards this document manages."),
    ]

    /// Keys of one SIM entry under `sims:`.
    public static let simFields: [Field] = [
        Field(key: "icc", type: .icc, summary: "The SIM's ICC: 18 to 20 digits ending in a Luhn check digit. Quote it or not; it is read digit for digit."),
        Field(key: "name", type: .text, summary: "A label shown in plans."),
        Field(key: "state", type: .state, summary: "The state simfleet keeps the SIM in. Required here or in defaults."),
        Field(key: "labels", type: .labels, summary: "Text labels, merged over defaults.labels; used to select SIMs."),
        Field(key: "protect", type: .boolean, summary: "When true, simfleet never terminates this SIM."),
        Field(key: "callbackUrl", type: .callbackURL, summary: "URL NexCon calls when this SIM's jobs finish. https, or http to a loopback host."),
        Field(key: "expect", type: .expect, summary: "Facts checked against the SIM's live status; a mismatch is a drift warning, never changed."),
        Field(key: "note", type: .text, summary: "Free text for people, e.g. a ticket number."),
    ]

    /// Keys allowed under `defaults:`: everything that may sensibly be shared.
    public static let defaultsFields: [Field] = simFields.filter { $0.key != "icc" && $0.key != "name" }

    /// Keys under `expect:`: the facts NexCon's `/status` reports besides the status itself.
    public static let expectFields: [Field] = [
        Field(key: "countryCode", type: .expectedText, summary: "Country the SIM reports, e.g. DK."),
        Field(key: "msisdn", type: .expectedText, summary: "The SIM's phone number."),
        Field(key: "tags", type: .expectedList, summary: "Tags the SIM must carry (it may carry more)."),
        Field(key: "product", type: .expectedMapping, summary: "Product fields that must match, e.g. {id: 12}."),
        Field(key: "pool", type: .expectedMapping, summary: "Pool fields that must match, e.g. {name: trucks}."),
    ]
}
