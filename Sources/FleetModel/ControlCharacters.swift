/// The characters outside text must never carry raw to a reader: C0, DEL, C1 and the
/// bidirectional overrides. Every output format escapes them its own way (Views), and
/// the client drops them from NexCon's answers before keeping any.
public enum ControlCharacters {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
