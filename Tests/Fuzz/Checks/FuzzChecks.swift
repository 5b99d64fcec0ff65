import FleetModel
import Manifests
import Planning
import YAML

/// What each fuzz harness feeds its parser, and the invariants it checks: no crash, no
/// hang (libFuzzer's -timeout), bounded memory (-rss_limit_mb), and for the manifest
/// loader, every diagnostic located inside the input. The libFuzzer harnesses in
/// `Tests/Fuzz/Package.swift` call these, and `swift test` replays every saved case.
public enum FuzzChecks {
    /// The harnesses by name: the corpus folders and executables are named the same.
    public static let all: [(name: String, check: @Sendable ([UInt8]) -> Void)] = [
        ("manifest", manifest), ("config", config), ("planfile", planFile), ("json", json), ("status", statusScan),
    ]

    public static func manifest(_ bytes: [UInt8]) {
        let set = ManifestLoader.load(sources: [ManifestSource(path: "fuzz.yaml", bytes: bytes)])
        let lines = YAMLLines.split(bytes)
        for diagnostic in set.diagnostics {
            let location = diagnostic.location
            precondition(location.path == "fuzz.yaml", "a diagnostic names another file: \(diagnostic.location): \(diagnostic.message)")
            guard location.line > 0 else { continue } // the file as a whole
            precondition(location.line <= lines.count, "line past the input: \(diagnostic.location): \(diagnostic.message)")
            precondition(location.column >= 1 && location.column <= lines[location.line - 1].count + 1,
                         "column past its line: \(diagnostic.location): \(diagnostic.message)")
        }
    }

    public static func config(_ bytes: [UInt8]) {
        let (_, diagnostics) = SimfleetConfig.parse(path: "simfleet.yaml", bytes: bytes)
        precondition(diagnostics.allSatisfy { $0.location.path == "simfleet.yaml" })
    }

    public static func planFile(_ bytes: [UInt8]) {
        if case .success(let file) = PlanFile.decode(bytes, path: "plan.json") {
            // What reads back writes back, and reads back the same again.
            let again = PlanFile.decode(Array(file.encoded().utf8), path: "plan.json")
            guard case .success(let second) = again else { preconditionFailure("a plan that was read could not be read back") }
            precondition(second == file, "a plan changed on its way through the file")
        }
    }

    public static func json(_ bytes: [UInt8]) {
        _ = JSONValue(parsing: bytes)
    }

    public static func statusScan(_ bytes: [UInt8]) {
        let scanned = JSONValue.topLevelText("status", in: bytes)
        // The fast path agrees with the full parser on what is valid JSON.
        let parsed = JSONValue(parsing: bytes)
        if parsed == nil { precondition(scanned == nil, "the status scan accepted what the parser refuses") }
    }
}
