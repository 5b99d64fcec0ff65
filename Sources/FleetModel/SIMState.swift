/// The lifecycle state a manifest can ask a SIM to be in.
public enum SIMState: String, CaseIterable, Sendable, Comparable, Codable {
    case active
    case blocked
    case inactive
    case terminated

    public static func < (a: SIMState, b: SIMState) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
