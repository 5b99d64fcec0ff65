import FleetModel

/// Narrows a fleet to the SIMs a run is about: `--target`, `--target-file`, `--label`.
public struct Targeting: Sendable, Equatable {
    public var iccs: Set<ICC> = []
    /// Every label must match.
    public var labels: [String: String] = [:]

    public init(iccs: Set<ICC> = [], labels: [String: String] = [:]) {
        self.iccs = iccs
        self.labels = labels
    }

    public var isEmpty: Bool { iccs.isEmpty && labels.isEmpty }

    /// The SIMs in scope, in manifest order, and the targeted ICCs no manifest declares.
    public func select(_ sims: [DesiredSIM]) -> (selected: [DesiredSIM], unknown: [ICC]) {
        guard !isEmpty else { return (sims, []) }
        let selected = sims.filter { sim in
            (iccs.isEmpty || iccs.contains(sim.icc)) && labels.allSatisfy { sim.labels[$0.key] == $0.value }
        }
        let declared = Set(sims.map(\.icc))
        return (selected, iccs.subtracting(declared).sorted())
    }
}

/// A fingerprint of the desired state, so a saved plan can name what it was made from.
public enum ManifestDigest {
    /// SHA-256 over each SIM's resolved desired state, in ICC order, without source
    /// locations: comments and reordering do not change it, a changed value does.
    public static func of(_ sims: [DesiredSIM]) -> String {
        var hasher = SHA256()
        for sim in sims.sorted(by: { $0.icc < $1.icc }) {
            var copy = sim
            copy.location = SourceLocation(path: "")
            copy.stateLocation = copy.location
            var writer = JSONWriter(reservingCapacity: 256)
            writer.value(copy)
            hasher.update(writer.bytes)
            hasher.update([0x0A])
        }
        return hasher.finalize()
    }
}
