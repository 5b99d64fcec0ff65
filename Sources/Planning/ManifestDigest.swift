import Crypto
import FleetModel

/// A fingerprint of the desired state, so a saved plan can name what it was made from.
public enum ManifestDigest {
    /// SHA-256, as lowercase hex, over each SIM's resolved desired state in ICC order,
    /// without source locations: comments and reordering do not change it, a changed
    /// value does.
    public static func of(_ sims: [DesiredSIM]) -> String {
        var hasher = SHA256()
        for sim in sims.sorted(by: { $0.icc < $1.icc }) {
            var copy = sim
            copy.location = SourceLocation(path: "")
            copy.stateLocation = copy.location
            var writer = JSONWriter(reservingCapacity: 256)
            writer.value(copy)
            writer.newline()
            hasher.update(data: writer.bytes)
        }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
