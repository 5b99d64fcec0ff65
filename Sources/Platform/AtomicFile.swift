import Foundation
import SystemPackage

/// Replaces a file's contents in one step: a temporary file with a name nobody can
/// predict, created exclusively in the target's folder (so a planted symlink is never
/// followed), synced, renamed over the target, and the folder synced.
///
/// Only a regular file (or nothing) is replaced: as root, `--out /dev/null` would otherwise
/// replace the device with a file, and a FIFO would lose its reader.
public enum AtomicFile {
    /// Removes what stands at `path` from an earlier run, or was planted there (a link to a
    /// runner's file), so a run that stops before writing leaves nothing an upload step could
    /// publish. A link is removed, never followed; folders and devices are left for `write`
    /// to refuse.
    public static func removeStale(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFLNK || kind == S_IFREG else { return }
        guard unlink(path) == 0 else { throw Errno(rawValue: errno) }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw NotARegularFile(path: path)
        }
        let folder = PathName.parent(of: path)
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

/// `AtomicFile.write` refuses to replace a device, a FIFO, a socket or a folder.
public struct NotARegularFile: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var description: String { "it is not a regular file (a device, a FIFO or a folder); name a regular file to write" }
}
