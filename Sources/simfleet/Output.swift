import Foundation
import Synchronization
import SystemPackage

/// Writes to standard output and standard error without buffering surprises.
enum Output {
    static func write(_ bytes: [UInt8]) {
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func error(_ text: String) {
        errorWithoutNewline(text + "\n")
        captured.withLock { lines in
            if lines != nil && lines!.count < capturedLimit { lines!.append(text) }
        }
    }

    /// Error lines kept as well as printed, once `captureErrors()` was called: a pull
    /// request's comment shows them when simfleet stops before planning.
    private static let captured = Mutex<[String]?>(nil)
    static let capturedLimit = 200

    static func captureErrors() { captured.withLock { $0 = [] } }

    static var capturedErrors: [String] { captured.withLock { $0 ?? [] } }

    /// A failed write (a full disk, a closed pipe) is ignored: what was sent is in the
    /// journal, and the exit status still tells the outcome.
    static func errorWithoutNewline(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(Array(text.utf8))
    }
}
