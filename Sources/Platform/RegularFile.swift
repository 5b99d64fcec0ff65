import Foundation

/// The one reader for every file simfleet reads (manifests, simfleet.yaml, plan files,
/// key and target files, CSV, apply reports, simulator seeds and state): opened without
/// blocking (a FIFO is never waited on), checked with `fstat` after opening (so a swapped
/// link cannot slip a device in), read to a bound. Only regular files, unless the caller
/// accepts a pipe too (`--api-key-file <(vault read ...)`). Callers word the problem.
public enum RegularFile {
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case cannotOpen(String)
        /// "a pipe (FIFO)", "a character device", "a folder", ...
        case notRegular(String)
        case tooLarge(size: Int, limit: Int)
        case cannotRead(String)

        /// A plain wording, for callers with nothing more specific to say.
        public var description: String {
            switch self {
            case .missing: "it does not exist; check the path"
            case .cannotOpen(let reason): "cannot open it (\(reason)); check the path and its permissions"
            case .notRegular(let kind): "it is \(kind), not a regular file"
            case .tooLarge(let size, let limit): "it is \(size) bytes, more than the \(limit) simfleet reads"
            case .cannotRead(let reason): "cannot read it (\(reason))"
            }
        }
    }

    public static func read(_ path: String, limit: Int, acceptingPipes: Bool = false) -> Result<[UInt8], Problem> {
        readOwned(path, limit: limit, acceptingPipes: acceptingPipes).map { buffer, count in
            defer { buffer.deallocate() }
            return Array(buffer.prefix(count))
        }
    }

    /// The same into memory the caller owns and must deallocate: `count` bytes read, in a
    /// buffer of at least one byte. For manifests, read once and handed to the parser
    /// without a copy, zero fill or page touched twice.
    public static func readOwned(_ path: String, limit: Int, acceptingPipes: Bool = false)
        -> Result<(buffer: UnsafeMutableBufferPointer<UInt8>, count: Int), Problem> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ENOENT ? .missing : .cannotOpen(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.cannotOpen(String(cString: strerror(errno)))) }
        let kind = info.st_mode & S_IFMT
        let isPipe = kind == S_IFIFO || kind == S_IFSOCK
        guard kind == S_IFREG || (acceptingPipes && isPipe) else { return .failure(.notRegular(describe(kind))) }
        guard kind != S_IFREG || Int(info.st_size) <= limit else { return .failure(.tooLarge(size: Int(info.st_size), limit: limit)) }
        if isPipe {
            // A pipe is read to its end, waiting for the writer as a shell would.
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        }
        // One byte more than a regular file's size, so a file that grew is seen to.
        var buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: kind == S_IFREG ? Int(info.st_size) + 1 : min(4096, limit + 1))
        var count = 0
        while true {
            if count == buffer.count {
                guard count <= limit else { break }
                let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count + min(max(count, 4096), limit + 1 - count + 1))
                _ = larger.initialize(fromContentsOf: buffer)
                buffer.deallocate()
                buffer = larger
            }
            let got = Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            if got < 0 {
                if errno == EINTR { continue }
                buffer.deallocate()
                return .failure(.cannotRead(String(cString: strerror(errno))))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else {
            buffer.deallocate()
            return .failure(.tooLarge(size: count, limit: limit))
        }
        return .success((buffer, count))
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a pipe (FIFO)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a folder"
        case S_IFLNK: "a link"
        default: "not a regular file"
        }
    }
}
