import Foundation
import Testing

/// Compares output with a golden file in a test target's `Fixtures/` folder.
///
/// Run with `SIMFLEET_RECORD=1 swift test` to write the files anew (that run fails on
/// purpose), review the diff, and run the tests again.
public enum Golden {
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["SIMFLEET_RECORD"] == "1" }

    public static func check(
        _ actual: String, matches name: String, in fixtures: URL,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let url = fixtures.appendingPathComponent(name)
        if isRecording {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! actual.write(to: url, atomically: true, encoding: .utf8)
            // A recording run never passes, so CI cannot go green by re-recording.
            Issue.record("recorded \(name); review the diff, then run the tests again without SIMFLEET_RECORD", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path); run SIMFLEET_RECORD=1 swift test to create it", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "output differs from \(name); if the change is intended, re-record with SIMFLEET_RECORD=1", sourceLocation: sourceLocation)
    }

    /// The `Fixtures` folder beside the test file that calls this.
    public static func fixtures(_ filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The package's root folder.
    public static func packageRoot(_ filePath: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(filePath)")
    }
}

extension Golden {
    /// A fresh temporary folder holding a copy of the package's example `manifests/`; the
    /// caller removes it.
    public static func scratchWithExamples() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("simfleet-run-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try! FileManager.default.copyItem(at: packageRoot().appendingPathComponent("manifests"), to: url.appendingPathComponent("manifests"))
        return url
    }
}

/// A fresh temporary folder, removed when the closure returns.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async rethrows -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("simfleet-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}
