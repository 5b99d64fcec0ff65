import Foundation
import SystemPackage

/// Writes to standard output and standard error without buffering surprises.
enum Output {
    static func write(_ bytes: [UInt8]) {
        _ = try? FileDescriptor.standardOutput.writeAll(bytes)
    }

    static func print(_ text: String) { write(Array((text + "\n").utf8)) }

    static func error(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(Array((text + "\n").utf8))
    }
}
