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

    /// Creates `path` new, never following a link: an existing file (a planted one, or an
    /// earlier run's record) is an error, so one journal holds exactly one run.
    public init(path: String) throws {
        try WorkFolder.prepareParent(of: path)
        let folder = PathName.parent(of: path)
        if folder != "." { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw JournalExists() }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
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

/// A journal is created new for each run.
public struct JournalExists: Error, CustomStringConvertible, Sendable {
    public var description: String { "it already exists, and a journal is created new for each run (never appended to, never through a link); pass --journal with a new file name, or leave --journal out: each run then names its own under .simfleet/journal/ by its start time" }
}
