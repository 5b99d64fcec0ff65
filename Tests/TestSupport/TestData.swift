import FleetModel
import NexConSimulator

/// Valid ICCs for tests: the n-th one, with its Luhn check digit.
public enum TestICC {
    public static func number(_ n: Int) -> ICC {
        let payload = "8945010025073" + String(repeating: "0", count: max(0, 6 - String(n).count)) + String(n)
        return ICC(unchecked: payload + String(ICC.luhnCheckDigit(payload: Array(payload.utf8))))
    }

    public static func numbers(_ count: Int) -> [ICC] { (0..<count).map(number) }
}

/// The status word the simulator shows for a settled state, for tests that stand in for it.
public enum TestStatus {
    public static func word(_ state: SIMState) -> String {
        switch state {
        case .active: Lifecycle.activated
        case .blocked: Lifecycle.blocked
        case .inactive: Lifecycle.inactive
        case .terminated: Lifecycle.terminated
        }
    }
}

/// A small seeded generator (SplitMix64), so random tests replay exactly.
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
