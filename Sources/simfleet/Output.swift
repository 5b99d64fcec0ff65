import Foundation
import SystemPackage

/// Writes to standard output and standard error without buffering surprises.
enum Output {
    static func write(_ bytes: [UInt8]) {
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func error(_ text: String) {
        errorWithoutNewline(text + "\n")
    }

    /// A failed write (a full disk, a closed pipe) is ignored: what was sent is in the
    /// journal, and the exit status still tells the outcome.
    static func errorWithoutNewline(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(Array(text.utf8))
    }
}
