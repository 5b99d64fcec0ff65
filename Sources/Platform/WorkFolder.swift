import Foundation

/// `.simfleet/`, where apply keeps its lock and journals and the embedded simulator its
/// state. A `.simfleet` committed as a link (or a file) would move all of them wherever
/// it points, so each folder on the way must be a real folder, made here if missing.
public enum WorkFolder {
    public static let name = ".simfleet"

    /// Makes `folder` (relative, e.g. `.simfleet/journal`) component by component, refusing
    /// any component that is a link or not a folder.
    public static func prepare(_ folder: String) throws(WorkFolderError) {
        var path = ""
        for component in folder.split(separator: "/") where component != "." {
            path += path.isEmpty ? String(component) : "/" + component
            var info = stat()
            if lstat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw WorkFolderError(description: "\(path) is \(info.st_mode & S_IFMT == S_IFLNK ? "a link" : "not a folder"); simfleet keeps its lock, journals and simulator state there and will not follow it elsewhere. Remove it (and keep .simfleet/ out of the repository with .gitignore)")
                }
            } else if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw WorkFolderError(description: "cannot make the folder \(path) (\(String(cString: strerror(errno)))); check that the current folder is writable")
            }
        }
    }

    /// Prepares the folder holding `path` when it lies under `.simfleet/`; other paths are
    /// the user's choice and left alone.
    public static func prepareParent(of path: String) throws(WorkFolderError) {
        let parent = PathName.parent(of: path)
        guard parent == name || parent.hasPrefix(name + "/") else { return }
        try prepare(parent)
    }
}

public struct WorkFolderError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
