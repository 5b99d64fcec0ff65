import Foundation
import Platform

/// One apply at a time in a working folder: an exclusive `flock` on `.simfleet/apply.lock`,
/// held until the process ends (the kernel releases it even after SIGKILL). NexCon has no
/// lock of its own, so applies on different machines must be serialised by CI.
public final class ApplyLock: Sendable {
    public static let defaultPath = ".simfleet/apply.lock"
    let descriptor: Int32

    /// Takes the lock or says who holds it; never waits.
    public init(path: String = ApplyLock.defaultPath, now: Date = Date()) throws(ApplyLockError) {
        do {
            try WorkFolder.prepareParent(of: path)
        } catch {
            throw ApplyLockError(description: "cannot take the apply lock: \(error.description). Nothing was sent.")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ApplyLockError(description: "cannot open the apply lock \(path) (\(String(cString: strerror(errno)))); check that the folder is writable")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            throw ApplyLockError(description: "another apply is running in this folder (\(holder.isEmpty ? "holder unknown" : holder), lock \(path)); wait for it to finish. Nothing was sent.")
        }
        // Who holds it, for the next one to read.
        let stamp = Timestamp.iso8601(now)
        let text = Array("pid \(getpid()), started \(stamp)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    // Unlocked before closing: a program another thread is starting at this moment holds a
    // copy of the descriptor until it execs, and the lock belongs to the open file, so a
    // close alone would leave it taken for the next apply in this process.
    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func holder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 200)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return "" }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
    }
}

public struct ApplyLockError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
