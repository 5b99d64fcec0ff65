import FleetModel
import Foundation
import Synchronization
import Platform
import SystemPackage

/// The append-only record of an apply, one JSON object a line.
///
/// Each record is written to the file as soon as it happens, so it survives the process
/// being killed; the file is synced to disk after each wave and at the end. It holds no
/// secrets: the key never reaches it.
public final class Journal: Sendable {
    public let path: String
    let descriptor: Int32
    /// The first write or sync that failed: from then on the journal is incomplete.
    private let firstFailure = Mutex<String?>(nil)

    /// Opens `path` for appending; with `exclusive`, a file that already exists is an error
    /// (default names are unique, so that means another run chose the same one).
    public init(path: String, exclusive: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : 0), 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The default place: `.simfleet/journal/<UTC time to the millisecond>-<pid>.jsonl`,
    /// unique to the run.
    public static func defaultPath(now: Date, pid: Int32 = getpid()) -> String {
        ".simfleet/journal/\(Timestamp.fileName(now))-\(pid).jsonl"
    }

    /// Appends one record: `{"type": ..., "at": ..., <fields>}`.
    public func record(_ type: String, at time: Date = Date(), _ fields: (inout JSONWriter) -> Void) {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.objectStart()
        writer.field("type", type)
        writer.field("at", Timestamp.iso8601(time))
        fields(&writer)
        writer.objectEnd()
        writer.newline()
        let bytes = writer.bytes
        firstFailure.withLock { failure in
            do {
                _ = try FileDescriptor(rawValue: descriptor).writeAll(bytes)
            } catch {
                failure = failure ?? "writing its \(type) record failed (\(error))"
            }
        }
    }

    /// Forces what was written onto the disk.
    public func sync() {
        firstFailure.withLock { failure in
            if fsync(descriptor) != 0 { failure = failure ?? "syncing it to disk failed (\(String(cString: strerror(errno))))" }
        }
    }

    /// Why the journal is incomplete, once a write or sync has failed.
    public var failure: String? { firstFailure.withLock { $0 } }
}
