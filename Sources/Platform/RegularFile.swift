import Foundation

/// A whole regular file's bytes, at most `limit` of them: opened without blocking (a FIFO
/// is refused, never waited on), checked with `fstat` after opening (so a swapped link
/// cannot slip a device in), and read to the bound.
public enum RegularFile {
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], TextFile.Problem> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(TextFile.Problem(description: "cannot read it (\(String(cString: strerror(errno)))); check the path and its permissions"))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(TextFile.Problem(description: "cannot read it (\(String(cString: strerror(errno))))")) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(TextFile.Problem(description: "it is not a regular file")) }
        guard Int(info.st_size) <= limit else { return .failure(TextFile.Problem(description: "it is larger than \(limit) bytes")) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(TextFile.Problem(description: "cannot read it (\(String(cString: strerror(errno))))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= limit else { return .failure(TextFile.Problem(description: "it is larger than \(limit) bytes")) }
        return .success(Array(bytes[..<count]))
    }
}
