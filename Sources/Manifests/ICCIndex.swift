import FleetModel
import Foundation
import Platform

/// Where each ICC of a fleet was first declared, as an index into the fleet's SIM array:
/// an open-addressing table without SipHash, which took a tenth of validate's time at a
/// million SIMs. Each slot holds the index and 32 bits of the ICC's hash, so a probe
/// reads the fleet's array (a cache miss) only when those bits match. The hash is seeded
/// at random per table, so manifests cannot be written to collide.
struct ICCIndex {
    /// `index << 32 | hash bits`, or `empty`.
    private var slots: [UInt64]
    private var mask: Int
    private var count = 0
    private let seed = UInt64.random(in: .min ... .max)
    private static let empty = UInt64.max

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
        if (count + 1) * 2 > slots.count { grow() }
        let bits = icc.hash(seed: seed) & 0xFFFF_FFFF
        var slot = Int(bits) & mask
        while true {
            let found = slots[slot]
            if found == Self.empty {
                slots[slot] = UInt64(index) << 32 | bits
                count += 1
                return nil
            }
            if found & 0xFFFF_FFFF == bits, iccAt(Int(found >> 32)) == icc { return Int(found >> 32) }
            slot = (slot + 1) & mask
        }
    }

    /// Twice the slots, placed again by the hash bits they keep. Beyond 2^31 slots the
    /// bits no longer spread them, and a fleet that large is not read into memory anyway.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry != Self.empty {
            var slot = Int(entry & 0xFFFF_FFFF) & mask
            while slots[slot] != Self.empty { slot = (slot + 1) & mask }
            slots[slot] = entry
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

/// validate's duplicate check when the SIMs are not kept, over every core: ICCs are split
/// into shards by a hash seeded at random, and each shard walks the files in order, so
/// every later declaration is reported against the first, as when the SIMs are kept.
enum DeclarationJoin {
    /// `files[i]` holds the declarations of `paths[i]`.
    static func check(_ files: [[Declared]], paths: [String]) async -> (count: Int, duplicates: [Diagnostic]) {
        let shards = UInt64(min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8))
        let total = files.reduce(0) { $0 + $1.count }
        let seed = UInt64.random(in: .min ... .max)
        let results = await Parallel.map(Int(shards)) { shard in
            var firstDeclared = ICCIndex(capacity: total / Int(shards) + 1)
            var firsts: [Declared] = []
            firsts.reserveCapacity(total / Int(shards) + total / 64)
            var duplicates: [Diagnostic] = []
            for (file, declarations) in files.enumerated() {
                for var declared in declarations where declared.icc.hash(seed: seed) % shards == UInt64(shard) {
                    declared.file = Int32(file)
                    if let first = firstDeclared.firstIndex(of: declared.icc, orInsert: firsts.count, in: firsts) {
                        duplicates.append(FleetAssembler.duplicate(declared.icc, at: location(declared, paths), first: location(firsts[first], paths)))
                        continue
                    }
                    firsts.append(declared)
                }
            }
            return (firsts.count, duplicates)
        }
        return (results.reduce(0) { $0 + $1.0 }, results.flatMap(\.1))
    }

    private static func location(_ declared: Declared, _ paths: [String]) -> SourceLocation {
        SourceLocation(path: paths[Int(declared.file)], line: Int(declared.line), column: Int(declared.column))
    }
}
