import FleetModel

/// Builds desired SIMs and observations for planner and view tests.
public enum Fleet {
    public static func icc(_ n: Int) -> ICC { TestICC.number(n) }

    public static func sim(_ n: Int, _ state: SIMState, protect: Bool = false, name: String? = nil,
                           expect: [String: ExpectedValue] = [:]) -> DesiredSIM {
        DesiredSIM(icc: icc(n), name: name ?? "unit-\(n)", state: state, protect: protect, expect: expect,
                   location: SourceLocation(path: "fleet.yaml", line: n + 1, column: 5),
                   stateLocation: SourceLocation(path: "fleet.yaml", line: n + 1, column: 20))
    }

    public static func live(_ status: String, _ facts: [String: JSONValue] = [:]) -> Observation {
        var all = facts
        all["status"] = .string(status)
        return .status(status, facts: .object(all))
    }
}

/// The example manifests (`manifests/`) against the live states the simulator seeds from them.
public enum ExampleFleet {
    /// Every action converging the fleet takes, as "ICC action": each exactly once.
    public static let expectedActions: Set<String> = [
        "89450100250731070026 block", "89450100250731069754 restore", "89450100250731070778 restore",
        "89460200311200044120 restore", "89460200311200044377 restore", "89450100250731069937 activate",
        "89450100250731070513 activate", "89450100250731070893 activate", "89450100250731070513 block",
        "89450100250731070380 terminate",
    ]
}
