import FleetModel

/// `simfleet import`: what a SIM's live status says its manifest entry should declare,
/// or why it is left out. Pure.
public enum Adoption {
    /// A SIM that can be declared as it is.
    public struct Adopted: Sendable, Hashable {
        public var icc: ICC
        public var name: String?
        public var state: SIMState
        /// For the reader's orientation only: the MSISDN's last four digits (never the whole
        /// number) and the live product's name.
        public var msisdnTail: String?
        public var product: String?
    }

    /// A SIM that is not written, and why.
    public struct LeftOut: Error, Sendable, Hashable {
        public init(icc: ICC, reason: String) {
            self.icc = icc
            self.reason = reason
        }

        public var icc: ICC
        public var reason: String
    }

    public static func decide(_ icc: ICC, name: String?, observation: Observation?, mapping: StatusMapping) -> Result<Adopted, LeftOut> {
        func leave(_ reason: String) -> Result<Adopted, LeftOut> { .failure(LeftOut(icc: icc, reason: reason)) }
        switch observation {
        case nil:
            return leave("its live status was not read")
        case .notFound:
            return leave("not found in this account; check the ICC, or that the API key belongs to the account that owns it")
        case .failed(let reason):
            return leave("could not read its live status: \(reason); import it again later")
        case .status(let word, let facts):
            guard let live = mapping.state(for: word) else {
                return leave("unrecognised live status '\(word)'; map it under 'statusMap:' in simfleet.yaml if you know what it means")
            }
            guard let state = live.settled else {
                return leave("a job is in progress (live status \(word)); import it again when it has ended")
            }
            let digits = facts["msisdn"]?.text.map { String($0.unicodeScalars.filter { ("0"..."9").contains($0) }) } ?? ""
            let msisdn = digits.count >= 4 ? String(digits.suffix(4)) : nil
            return .success(Adopted(icc: icc, name: name, state: state, msisdnTail: msisdn, product: facts["product"]?["name"]?.text))
        }
    }
}
