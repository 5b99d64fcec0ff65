import Foundation

/// A small text file a person names, such as a key file or a target list: a regular file
/// or a pipe (`--api-key-file <(vault read ...)`, `/dev/stdin`), never a device or a
/// folder; at most `limit` bytes; UTF-8 only, with a leading byte-order mark dropped.
public enum TextFile {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func read(_ path: String, limit: Int) -> Result<String, Problem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Problem(description: "cannot read it (\(String(cString: strerror(errno)))); check the path and its permissions")) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(Problem(description: "cannot read it (\(String(cString: strerror(errno))))")) }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFIFO || kind == S_IFSOCK else {
            return .failure(Problem(description: "it is not a regular file or a pipe"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Problem(description: "cannot read it (\(String(cString: strerror(errno))))"))
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            if bytes.count > limit { return .failure(Problem(description: "it is larger than \(limit) bytes")) }
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            let line = (lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0) + 1
            return .failure(Problem(description: "line \(line) is not valid UTF-8"))
        }
        return .success(text)
    }

    /// Lines split at LF, each without a trailing CR, so files saved on Windows read alike.
    /// Split by Unicode scalar: `"\r\n"` is a single `Character`, which a split at `"\n"`
    /// would never find.
    public static func lines(_ text: String) -> [Substring] {
        let scalars = text.unicodeScalars
        var lines: [Substring] = []
        var start = scalars.startIndex
        for index in scalars.indices where scalars[index] == "\n" {
            var end = index
            if end > start, scalars[scalars.index(before: end)] == "\r" { end = scalars.index(before: end) }
            lines.append(Substring(scalars[start..<end]))
            start = scalars.index(after: index)
        }
        lines.append(Substring(scalars[start...]))
        return lines
    }

    /// Whether users other than the owner may read it: a key file should not be.
    public static func isReadableByOthers(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return info.st_mode & 0o044 != 0
    }
}
