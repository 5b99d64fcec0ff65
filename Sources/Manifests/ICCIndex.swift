import FleetModel

/// Where each ICC of a fleet was first declared, as an index into the fleet's SIM array:
/// an open-addressing table of 32-bit indexes, a quarter of the memory of `[ICC: Int]`
/// and without SipHash, which took a tenth of validate's time at a million SIMs. The hash
/// is seeded at random per table, so manifests cannot be written to collide.
struct ICCIndex {
    private var slots: [Int32]
    private var mask: Int
    private var count = 0
    private let seed = UInt64.random(in: .min ... .max)
    private static let empty: Int32 = -1

    init(capacity: Int) {
        let size = Self.size(for: capacity)
        slots = Array(repeating: Self.empty, count: size)
        mask = size - 1
    }

    /// At most half full: probes stay short.
    private static func size(for capacity: Int) -> Int {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        return size
    }

    /// The index `icc` was first recorded with, or records `index` for it and returns nil.
    /// `sims` holds the SIM at every index recorded earlier.
    mutating func firstIndex(of icc: ICC, orInsert index: Int, in sims: [DesiredSIM]) -> Int? {
        firstIndex(of: icc, orInsert: index) { sims[$0].icc }
    }

    /// The same over the fleet's first declarations, kept without their SIMs.
    mutating func firstIndex(of icc: ICC, orInsert index: Int, in declared: [Declared]) -> Int? {
        firstIndex(of: icc, orInsert: index) { declared[$0].icc }
    }

    private mutating func firstIndex(of icc: ICC, orInsert index: Int, iccAt: (Int) -> ICC) -> Int? {
        if (count + 1) * 2 > slots.count { grow(iccAt) }
        var slot = Int(truncatingIfNeeded: icc.hash(seed: seed)) & mask
        while true {
            let found = slots[slot]
            if found == Self.empty {
                slots[slot] = Int32(index)
                count += 1
                return nil
            }
            if iccAt(Int(found)) == icc { return Int(found) }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow(_ iccAt: (Int) -> ICC) {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        mask = slots.count - 1
        for index in old where index != Self.empty {
            var slot = Int(truncatingIfNeeded: iccAt(Int(index)).hash(seed: seed)) & mask
            while slots[slot] != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = index
        }
    }
}

/// Where an ICC was first declared, without the rest of its SIM: what a fleet's duplicate
/// check keeps when the SIMs themselves are not wanted (`validate`).
struct Declared {
    var icc: ICC
    var file: Int32
    var line: Int32
    var column: Int32
}
