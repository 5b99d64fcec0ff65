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
