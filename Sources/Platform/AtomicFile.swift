import Foundation
import SystemPackage

/// Replaces a file's contents in one step: a temporary file with a name nobody can
/// predict, created exclusively in the target's folder (so a planted symlink is never
/// followed), synced, renamed over the target, and the folder synced.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // mkstemp opens with O_CREAT | O_EXCL, mode 0600: it never reuses or follows a file.
        var template = Array("\(path).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Errno(rawValue: errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let file = FileDescriptor(rawValue: descriptor)
        do {
            _ = fchmod(descriptor, 0o644)
            try file.writeAll(bytes)
            guard fsync(descriptor) == 0 else { throw Errno(rawValue: errno) }
            try file.close()
        } catch {
            try? file.close()
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Errno(rawValue: code)
        }
        if let folder = try? FileDescriptor.open(folder, .readOnly) {
            _ = fsync(folder.rawValue)
            try? folder.close()
        }
    }
}
