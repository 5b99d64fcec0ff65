/// File paths as the user typed them, taken apart by POSIX rules on their bytes: one home
/// for "the folder holding this", "the last name", "the name's extension" and joining.
/// Foundation's `NSString` path methods trapped on `.` and one-letter folders on Linux;
/// these never trap, on any string.
public enum PathName {
    /// The folder holding `path`, as `dirname(1)` says: `.` for a bare name or `.` itself,
    /// `/` for the root or a name directly in it; trailing slashes do not count.
    /// `m` → `.`, `m/` → `.`, `../m` → `..`, `a/b/c` → `a/b`, `/x` → `/`, `` → `.`.
    public static func parent(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard bytes != [slash] else { return "/" }
        guard let cut = bytes.lastIndex(of: slash) else { return "." }
        var folder = Array(bytes[..<cut])
        while folder.count > 1, folder.last == slash { folder.removeLast() }
        if folder.isEmpty { return "/" }
        return String(decoding: folder, as: UTF8.self)
    }

    /// The last name in `path`, as `basename(1)` says: trailing slashes do not count,
    /// `/` stays `/`, and an empty path is empty.
    public static func lastComponent(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == slash { bytes.removeLast() }
        guard bytes != [slash] else { return "/" }
        guard let cut = bytes.lastIndex(of: slash) else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes[(cut + 1)...], as: UTF8.self)
    }

    /// What follows the last dot of the last name, if that dot is neither its first
    /// character nor its last (`a.yaml` → `yaml`, `.yaml` → nil, `a.` → nil).
    public static func fileExtension(of path: String) -> String? {
        let name = Array(lastComponent(of: path).utf8)
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0, dot < name.count - 1 else { return nil }
        return String(decoding: name[(dot + 1)...], as: UTF8.self)
    }

    /// `folder` and `name` with exactly one slash between them; an absolute `name`, or an
    /// empty or `.` folder, gives `name` alone.
    public static func join(_ folder: String, _ name: String) -> String {
        if name.utf8.first == slash || folder.isEmpty || folder == "." { return name }
        if name.isEmpty { return folder }
        return folder.utf8.last == slash ? folder + name : folder + "/" + name
    }

    /// Whether `path` is `folder` or lies below it, comparing whole names: `/a/bc` is not
    /// inside `/a/b`. Both should be real paths (no `..`, no links).
    public static func isInside(_ path: String, _ folder: String) -> Bool {
        if folder == "/" { return path.utf8.first == slash }
        let trimmed = folder.utf8.last == slash ? String(folder.dropLast()) : folder
        return path == trimmed || path.hasPrefix(trimmed + "/")
    }

    /// `path` relative to `folder` when it lies inside it (`.` for the folder itself).
    public static func relative(_ path: String, to folder: String) -> String? {
        guard isInside(path, folder) else { return nil }
        if folder == "/" { return path == "/" ? "." : String(path.dropFirst()) }
        let trimmed = folder.utf8.last == slash ? String(folder.dropLast()) : folder
        return path == trimmed ? "." : String(path.dropFirst(trimmed.count + 1))
    }

    /// The path with every link and `..` resolved, if it exists.
    public static func real(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static let slash = UInt8(ascii: "/")
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
