import Foundation

/// A small text file a person names, such as a key file or a target list: a regular file
/// or a pipe (`--api-key-file <(vault read ...)`, `/dev/stdin`), never a device or a
/// folder; at most `limit` bytes; UTF-8 only, with a leading byte-order mark dropped.
public enum TextFile {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func read(_ path: String, limit: Int) -> Result<String, Problem> {
        var bytes: [UInt8]
        switch RegularFile.read(path, limit: limit, acceptingPipes: true) {
        case .success(let read): bytes = read
        case .failure(.missing): return .failure(Problem(description: "cannot read it (\(String(cString: strerror(ENOENT)))); check the path and its permissions"))
        case .failure(.cannotOpen(let reason)): return .failure(Problem(description: "cannot read it (\(reason)); check the path and its permissions"))
        case .failure(.notRegular): return .failure(Problem(description: "it is not a regular file or a pipe"))
        case .failure(.tooLarge): return .failure(Problem(description: "it is larger than \(limit) bytes"))
        case .failure(.cannotRead(let reason)): return .failure(Problem(description: "cannot read it (\(reason))"))
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
