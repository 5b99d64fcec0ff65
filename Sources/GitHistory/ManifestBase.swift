import FleetModel
import Foundation
import Manifests

/// The manifests as they were at the merge-base of a ref and HEAD, read through git
/// without touching the work tree: the other side of `--changed-since`.
///
/// Only what can differ is decoded. A manifest file whose bytes at the merge-base equal
/// the work tree's, at the same path, declares the same SIMs in the same resolved state
/// (defaults live in the file), so it is named in `identicalFiles` and not parsed again.
public struct ManifestBase: Sendable {
    /// The ref as given, and the commit it and HEAD share (full object id).
    public var ref: String
    public var mergeBase: String
    /// Work-tree manifest files, spelled as the loader spells them, unchanged since the merge-base.
    public var identicalFiles: Set<String>
    /// The merge-base's other manifest files, decoded: changed, moved away or deleted since.
    public var changedFiles: ManifestSet

    /// Resolves `ref`, finds its merge-base with HEAD and reads the manifests there.
    /// `files` are the work tree's manifest files the loader read for `paths`.
    public static func read(ref: String, paths: [String], files: [String], maximumFileSize: Int) throws(ChangedSinceError) -> ManifestBase {
        let git = try Git()
        try checkWorkTree(git, paths: paths)
        let resolved = try git.run(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"])
        guard resolved.succeeded, !resolved.line.isEmpty else { throw .unknownRef(ref) }
        let base = try git.run(["merge-base", "--end-of-options", resolved.line, "HEAD"])
        guard base.succeeded, !base.line.isEmpty else {
            let shallow = try git.run(["rev-parse", "--is-shallow-repository"])
            throw shallow.line == "true" ? .shallow(ref) : .unrelated(ref)
        }
        return try read(ref: ref, commit: base.line, git: git, paths: paths, files: files, maximumFileSize: maximumFileSize)
    }

    /// The manifests at a commit already chosen, as a saved plan records it.
    public static func read(ref: String, mergeBase: String, paths: [String], files: [String], maximumFileSize: Int) throws(ChangedSinceError) -> ManifestBase {
        let git = try Git()
        try checkWorkTree(git, paths: paths)
        let isObjectID = mergeBase.utf8.count >= 40 && mergeBase.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard isObjectID, try git.run(["cat-file", "-e", "--end-of-options", mergeBase + "^{commit}"]).succeeded else {
            throw ChangedSinceError("the plan compares with commit \(mergeBase), which this clone does not have; fetch the whole history (fetch-depth: 0) or plan again")
        }
        return try read(ref: ref, commit: mergeBase, git: git, paths: paths, files: files, maximumFileSize: maximumFileSize)
    }

    private static func checkWorkTree(_ git: Git, paths: [String]) throws(ChangedSinceError) {
        let top = try git.run(["rev-parse", "--show-toplevel"])
        guard top.succeeded, !top.line.isEmpty else { throw .notAWorkTree }
        let root = realPath(top.line) ?? top.line
        for path in paths {
            guard let real = realPath(path), real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                throw .outside(path, top: root)
            }
        }
    }

    private static func read(ref: String, commit: String, git: Git, paths: [String], files: [String],
                             maximumFileSize: Int) throws(ChangedSinceError) -> ManifestBase {
        // Paths relative to the current folder, as the work tree's files are spelled.
        let listing = try git.run(["ls-tree", "-r", "-z", "-l", "--end-of-options", commit, "--"] + paths.map(normalized))
        guard listing.succeeded else {
            throw .gitFailed("git ls-tree failed at \(commit.prefix(12)): \(listing.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let entries = manifestEntries(listing.stdout, roots: paths.map(normalized), limit: maximumFileSize)
        let contents = try blobs(entries.map(\.object), git: git)
        let current = Dictionary(files.map { (relativeToCurrentFolder(normalized($0)), $0) }, uniquingKeysWith: { first, _ in first })
        var identical: Set<String> = []
        var sources: [ManifestSource] = []
        for (entry, bytes) in zip(entries, contents) {
            if let spelled = current[entry.path], let now = readRegularFile(spelled, limit: maximumFileSize), now == bytes {
                identical.insert(spelled)
            } else {
                sources.append(ManifestSource(path: entry.path, bytes: bytes))
            }
        }
        return ManifestBase(ref: ref, mergeBase: commit, identicalFiles: identical,
                            changedFiles: ManifestLoader.load(sources: sources))
    }

    struct Entry: Equatable {
        var object: String
        var path: String
    }

    /// The manifest files a `git ls-tree -r -z -l` listing holds for `roots`, by the
    /// loader's rules: a root named directly is a manifest whatever its name; under a
    /// folder, `*.yaml` and `*.yml` files outside hidden folders. Links, submodules, names
    /// that are not UTF-8 and files over the size limit are left out, so their SIMs
    /// count as changed.
    static func manifestEntries(_ listing: [UInt8], roots: [String], limit: Int) -> [Entry] {
        var entries: [Entry] = []
        for record in listing.split(separator: 0) {
            guard let tab = record.firstIndex(of: 0x09),
                  let path = String(validating: record[(tab + 1)...], as: UTF8.self)
            else { continue }
            let fields = record[..<tab].split(separator: 0x20, omittingEmptySubsequences: true)
            guard fields.count == 4, fields[0].elementsEqual("100644".utf8) || fields[0].elementsEqual("100755".utf8),
                  fields[1].elementsEqual("blob".utf8),
                  let size = Int(String(decoding: fields[3], as: UTF8.self)), size <= limit
            else { continue }
            let named = roots.contains(path)
            if !named {
                guard let root = roots.first(where: { $0 == "." || path.hasPrefix($0 + "/") }) else { continue }
                let inside = root == "." ? path : String(path.dropFirst(root.count + 1))
                let components = inside.split(separator: "/")
                guard !components.contains(where: { $0.hasPrefix(".") }),
                      ManifestLoader.isManifestName(String(components.last ?? ""))
                else { continue }
            }
            entries.append(Entry(object: String(decoding: fields[2], as: UTF8.self), path: path))
        }
        return entries
    }

    /// Every blob's bytes, in one `git cat-file --batch`.
    static func blobs(_ objects: [String], git: Git) throws(ChangedSinceError) -> [[UInt8]] {
        guard !objects.isEmpty else { return [] }
        let output = try git.run(["cat-file", "--batch"], input: Array(objects.map { $0 + "\n" }.joined().utf8))
        guard output.succeeded else { throw .gitFailed("git cat-file failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var result: [[UInt8]] = []
        var index = 0
        let bytes = output.stdout
        for object in objects {
            // "<object> blob <size>\n<bytes>\n"
            guard let newline = bytes[index...].firstIndex(of: 0x0A) else { throw .gitFailed("git cat-file's answer ended early at \(object)") }
            let header = bytes[index..<newline].split(separator: 0x20)
            guard header.count == 3, header[1].elementsEqual("blob".utf8),
                  let size = Int(String(decoding: header[2], as: UTF8.self)), newline + 1 + size < bytes.count + 1
            else { throw .gitFailed("git cat-file gave no blob for \(object)") }
            result.append(Array(bytes[(newline + 1)..<(newline + 1 + size)]))
            index = newline + 1 + size + 1
        }
        return result
    }

    /// `./manifests//a.yaml` → `manifests/a.yaml`, `a/../b` → `b`: how git spells a path.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// git lists files relative to the current folder, even for absolute pathspecs.
    static func relativeToCurrentFolder(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let folder = FileManager.default.currentDirectoryPath
        for prefix in [folder, realPath(folder) ?? folder] where path.hasPrefix(prefix + "/") {
            return String(path.dropFirst(prefix.count + 1))
        }
        return path
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The work tree's file, if it is still a regular file within the limit.
    static func readRegularFile(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 { if errno == EINTR { continue }; return nil }
            if got == 0 { break }
            count += got
        }
        return count <= limit ? Array(bytes[..<count]) : nil
    }
}
