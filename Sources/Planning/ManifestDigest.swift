import Crypto
import FleetModel

/// A fingerprint of the desired state, so a saved plan can name what it was made from.
///
/// It hashes a canonical form of its own, versioned and independent of every output
/// format, so a cosmetic change to `validate --format json` can never invalidate saved
/// plans. Changing the form changes `version`, and with it `PlanFile.formatVersion`.
public enum ManifestDigest {
    /// The canonical form's version, written first.
    public static let version = 1

    /// SHA-256, as lowercase hex, over each SIM's resolved desired state in ICC order,
    /// without source locations: comments and reordering do not change it, a changed
    /// value does.
    /// The digest of each manifest file's SIMs in scope, by path: a stale plan names the
    /// files whose SIMs changed.
    public static func byFile(_ sims: [DesiredSIM]) -> [String: String] {
        Dictionary(grouping: sims, by: \.location.path).mapValues(of)
    }

    /// The paths whose SIMs differ between two `byFile` digests: changed, added or gone.
    public static func changedFiles(from old: [String: String], to new: [String: String]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }

    public static func of(_ sims: [DesiredSIM]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("simfleet-manifest-digest/\(version)\n".utf8))
        for sim in sims.sorted(by: { $0.icc < $1.icc }) {
            hasher.update(data: canonical(sim))
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// One SIM: each field a tag byte, then its value; text as a 4-byte big-endian length
    /// and its UTF-8 bytes; an absent optional as tag `0`; maps in key order.
    static func canonical(_ sim: DesiredSIM) -> [UInt8] {
        var out: [UInt8] = []
        func text(_ value: String) {
            let bytes = Array(value.utf8)
            out += withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init)
            out += bytes
        }
        func optional(_ value: String?) {
            if let value { out.append(1); text(value) } else { out.append(0) }
        }
        func expected(_ value: ExpectedValue) {
            switch value {
            case .text(let value): out.append(UInt8(ascii: "t")); text(value)
            case .list(let items):
                out.append(UInt8(ascii: "l"))
                text(String(items.count))
                items.forEach(expected)
            case .mapping(let map):
                out.append(UInt8(ascii: "m"))
                text(String(map.count))
                for (key, value) in map.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    text(key)
                    expected(value)
                }
            }
        }
        out.append(UInt8(ascii: "S"))
        text(sim.icc.digits)
        optional(sim.name)
        text(sim.state.rawValue)
        text(String(sim.labels.count))
        for (key, value) in sim.labels.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            text(key)
            text(value)
        }
        out.append(sim.protect ? 1 : 0)
        optional(sim.callbackURL)
        expected(.mapping(sim.expect))
        optional(sim.note)
        return out
    }
}
