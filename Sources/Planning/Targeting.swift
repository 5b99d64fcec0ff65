import FleetModel

/// Narrows a fleet to the SIMs a run is about: `--target`, `--target-file`, `--label`,
/// `--shard`.
public struct Targeting: Sendable, Equatable {
    public var iccs: Set<ICC> = []
    /// Every label must match.
    public var labels: [String: String] = [:]
    public var shard: Shard?

    public init(iccs: Set<ICC> = [], labels: [String: String] = [:], shard: Shard? = nil) {
        self.iccs = iccs
        self.labels = labels
        self.shard = shard
    }

    public var isEmpty: Bool { iccs.isEmpty && labels.isEmpty && shard == nil }

    /// The SIMs in scope, in manifest order, and the targeted ICCs no manifest declares.
    public func select(_ sims: [DesiredSIM]) -> (selected: [DesiredSIM], unknown: [ICC]) {
        guard !isEmpty else { return (sims, []) }
        let selected = sims.filter { sim in
            (iccs.isEmpty || iccs.contains(sim.icc)) && labels.allSatisfy { sim.labels[$0.key] == $0.value }
                && (shard?.contains(sim.icc) ?? true)
        }
        let declared = Set(sims.map(\.icc))
        return (selected, iccs.subtracting(declared).sorted())
    }
}

/// One Nth of a fleet, chosen by ICC alone (`--shard K/N`): the same SIM is in the same
/// shard whatever else the manifests hold, so N nightly runs cover the fleet exactly once.
public struct Shard: Sendable, Hashable {
    /// 1-based.
    public var index: Int
    public var count: Int

    public static let maximumCount = 10_000

    public init?(index: Int, count: Int) {
        guard (1...Self.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `3/7`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 5 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// FNV-1a over the ICC's digits: stable across runs, machines and versions.
    public func contains(_ icc: ICC) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in icc.digits.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(count)) == index - 1
    }
}

extension Targeting {
    /// A targeted ICC no manifest declares (`within` narrows the claim, as " in the plan's scope").
    public static func undeclared(_ icc: ICC, at source: String, within: String = "") -> Diagnostic {
        .error(.targetUndeclared, at: SourceLocation(path: source), "ICC \(icc) is targeted but no manifest\(within) declares it")
    }

    /// Targets and labels that select nothing: "no SIMs match", "no step of this plan matches".
    public static func noMatch(at path: String, _ subject: String) -> Diagnostic {
        .error(.targetNoMatch, at: SourceLocation(path: path), "\(subject) the targets and labels given")
    }
}
