import FleetModel
import Platform
import Foundation
import YAML

/// Every SIM the manifests declare, and every problem found on the way.
public struct ManifestSet: Sendable {
    /// SIMs in file order, then in the order written.
    public var sims: [DesiredSIM]
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The manifest files read, in the order read.
    public var files: [String]
    /// Problems counted but not kept, past `Diagnostics.shownLimit` in a file.
    public var omittedDiagnostics = 0
    /// How many SIMs the manifests declare (once each): `sims.count`, or the count alone
    /// when the SIMs were not kept (`ManifestLoader.load(paths:keepingSIMs: false)`).
    public var simCount = 0

    /// Every error, kept or only counted.
    public var errorCount: Int { diagnostics.errorCount + omittedDiagnostics }

    public var isValid: Bool { !diagnostics.hasErrors }
}

/// A manifest's bytes with the path diagnostics should name.
public struct ManifestSource: Sendable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// Joins decoded files, in order, into one fleet and reports ICCs declared more than once.
/// Files decoded without their SIMs add only their paths and problems; `DeclarationJoin`
/// checks their declarations.
struct FleetAssembler {
    private var sims: [DesiredSIM] = []
    private var diagnostics: [Diagnostic] = []
    private var paths: [String] = []
    private var omitted = 0
    private var firstDeclared: ICCIndex

    init(capacity: Int) {
        sims.reserveCapacity(capacity)
        firstDeclared = ICCIndex(capacity: capacity)
    }

    mutating func add(_ file: ManifestFile) {
        paths.append(file.path)
        diagnostics += file.diagnostics
        omitted += file.omittedDiagnostics
        for sim in file.sims {
            if let first = firstDeclared.firstIndex(of: sim.icc, orInsert: sims.count, in: sims) {
                diagnostics.append(Self.duplicate(sim.icc, at: sim.location, first: sims[first].location))
                continue
            }
            sims.append(sim)
        }
    }

    static func duplicate(_ icc: ICC, at location: SourceLocation, first: SourceLocation) -> Diagnostic {
        .error(.iccDuplicate, at: location, "ICC \(icc) is declared twice; keep one entry per SIM",
               notes: [Diagnostic.Note(at: first, "first declared here")])
    }

    func finish() -> ManifestSet {
        var set = ManifestSet(sims: sims, diagnostics: diagnostics, files: paths, omittedDiagnostics: omitted)
        set.simCount = sims.count
        return set
    }
}

/// Finds manifest files, reads them in parallel and checks the fleet as a whole.
public enum ManifestLoader {
    public static let fileExtensions: Set<String> = ["yaml", "yml"]

    /// Loads every `*.yaml` and `*.yml` file under `paths`, recursively, in a fixed order.
    ///
    /// Hidden files and folders (`.git`, `.simfleet`) are not searched. A path named
    /// directly is read whatever its extension.
    /// Larger manifest files are refused unread.
    public static let defaultMaximumFileSize = 64 << 20

    /// `requireSIMs`: a root that declares no SIM is an error (a wrong path, or a mass
    /// deletion), except where an empty fleet is fine, as for `import`'s skip list.
    ///
    /// A link that leads outside the repository holding the manifests (the nearest folder
    /// above with a `.git`, else the folder holding the path) is an error unless
    /// `followExternalLinks`: a pull request could otherwise read the runner's files and
    /// see them echoed in annotations.
    /// `keepingSIMs: false` checks the same and counts the SIMs without keeping them
    /// (`sims` is empty): what `validate` needs to say, in a sixth of the memory.
    public static func load(paths: [String], maximumFileSize: Int = defaultMaximumFileSize, requireSIMs: Bool = true,
                            followExternalLinks: Bool = false, keepingSIMs: Bool = true) async -> ManifestSet {
        var diagnostics: [Diagnostic] = []
        var roots: [(path: String, files: [String])] = []
        var unsearched: [String] = []
        var seenFiles: Set<String> = []
        for path in paths {
            let (files, problems) = discover(path, confinedTo: followExternalLinks ? nil : boundary(of: path))
            diagnostics += problems
            // A root that could not be searched whole already says why.
            if problems.isEmpty { roots.append((path, files)) } else { unsearched += files }
        }
        let files = (roots.flatMap(\.files) + unsearched).filter { seenFiles.insert($0).inserted }
        var decoded = await Parallel.map(files.count) { index in
            ManifestDecoder.decode(contentsOf: files[index], limit: maximumFileSize, keepingSIMs: keepingSIMs)
        }
        // A root with neither SIMs nor errors is most likely a wrong path or an accidental mass deletion.
        let silentFiles = Set(decoded.filter { $0.sims.isEmpty && ($0.declarations ?? []).isEmpty && !$0.diagnostics.hasErrors }.map(\.path))
        var fleet = FleetAssembler(capacity: decoded.reduce(0) { $0 + $1.sims.count })
        var declarations: [[Declared]] = []
        for index in decoded.indices {
            // Hand each file over and drop it, so the fleet is never held twice.
            fleet.add(decoded[index])
            if !keepingSIMs { declarations.append(decoded[index].declarations ?? []) }
            decoded[index].sims = []
            decoded[index].declarations = nil
        }
        var set = fleet.finish()
        if !keepingSIMs {
            let join = await DeclarationJoin.check(declarations, paths: set.files)
            set.simCount = join.count
            set.diagnostics += join.duplicates
        }
        set.diagnostics += diagnostics
        for root in roots where requireSIMs {
            if root.files.allSatisfy(silentFiles.contains) {
                set.diagnostics.append(.error(
                    .noSIMs, at: SourceLocation(path: root.path),
                    "no SIMs found under \(root.path); check the path (manifests are *.yaml or *.yml files with a 'sims:' list)"
                ))
            }
        }
        set.diagnostics.sort()
        return set
    }

    /// Decodes in-memory sources and checks them together: the pure core of `load(paths:)`.
    public static func load(sources: [ManifestSource]) -> ManifestSet {
        assemble(decodeEach(sources))
    }

    /// Files already decoded, checked together as one fleet.
    public static func assemble(_ files: [ManifestFile]) -> ManifestSet {
        var fleet = FleetAssembler(capacity: files.reduce(0) { $0 + $1.sims.count })
        for file in files { fleet.add(file) }
        var set = fleet.finish()
        set.diagnostics.sort()
        return set
    }

    /// Decodes each source on its own, on every core, without checking them together
    /// (versions of the same files at different commits need not agree).
    public static func decodeEach(_ sources: [ManifestSource]) -> [ManifestFile] {
        Parallel.map(sources.count) { ManifestDecoder.decode(path: sources[$0].path, bytes: sources[$0].bytes) }
    }

    /// The manifest files a path stands for, sorted, or why there are none. Nothing is left
    /// out silently: a folder that cannot be listed, a manifest name that leads nowhere or a
    /// name that is not UTF-8 is an error at its path.
    static func discover(_ path: String, confinedTo boundary: String? = nil) -> (files: [String], problems: [Diagnostic]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return ([], [.error(.fileRead, at: SourceLocation(path: path), "no such file or folder; pass a manifest file or a folder of *.yaml files")])
        }
        if let boundary, let problem = FolderWalk.leavesBoundary(path, boundary) { return ([], [problem]) }
        guard info.st_mode & S_IFMT == S_IFDIR else { return ([path], []) }
        var walk = FolderWalk(boundary: boundary)
        walk.visit(folder: path)
        // Byte order, so the result does not depend on locale or file system.
        return (walk.files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, walk.problems)
    }

    /// The repository a manifest path belongs to: the nearest folder above it (not through
    /// the path itself, which may be a link) holding `.git`, else the folder holding it.
    static func boundary(of path: String) -> String? {
        // `.` and `..` are never links: the folder they name is where the search starts.
        let name = PathName.lastComponent(of: path)
        guard let start = realPath(name == "." || name == ".." ? path : PathName.parent(of: path)) else { return nil }
        var folder = start
        while true {
            if access(PathName.join(folder, ".git"), F_OK) == 0 { return folder }
            let up = PathName.parent(of: folder)
            if up == folder { return start }
            folder = up
        }
    }

    static func realPath(_ path: String) -> String? {
        PathName.real(path)
    }

    public static func isManifestName(_ name: String) -> Bool {
        let ext = PathName.fileExtension(of: name)?.lowercased() ?? ""
        // simfleet.yaml configures the tool; it is not a manifest.
        return fileExtensions.contains(ext) && name != SimfleetConfig.fileName && name != "simfleet.yml"
    }
}

/// Walks a folder tree for manifests, following links to folders once each, and only
/// within `boundary` when one is given.
struct FolderWalk {
    var boundary: String?
    var files: [String] = []
    var problems: [Diagnostic] = []
    private var visited: Set<[UInt64]> = []

    init(boundary: String? = nil) { self.boundary = boundary }

    /// An error when `path` is, or passes through, a link whose target lies outside `boundary`.
    static func leavesBoundary(_ path: String, _ boundary: String) -> Diagnostic? {
        guard let real = ManifestLoader.realPath(path) else { return nil }
        let inside = boundary == "/" || real == boundary || real.hasPrefix(boundary + "/")
        guard !inside else { return nil }
        return .error(.linkOutside, at: SourceLocation(path: path), "this link leads outside the repository at \(boundary) (to \(real)); simfleet does not follow it, since a pull request could read the machine's files through it. Keep manifests inside the repository, or pass --follow-external-links")
    }

    mutating func visit(folder: String) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { return }
        }
        guard let directory = opendir(folder) else {
            problems.append(.error(.fileRead, at: SourceLocation(path: folder), "cannot list this folder (\(String(cString: strerror(errno)))); check its permissions"))
            return
        }
        defer { closedir(directory) }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        var names: [String] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            // Hidden files and folders (.git, .simfleet), and . and .., are not searched.
            guard bytes.first != UInt8(ascii: ".") else { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                problems.append(.error(.nameNotUTF8, at: SourceLocation(path: prefix + String(decoding: bytes, as: UTF8.self)),
                                       "this name is not valid UTF-8, so simfleet cannot name it in a plan; rename it"))
                continue
            }
            names.append(name)
        }
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let path = prefix + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                if ManifestLoader.isManifestName(name) {
                    problems.append(.error(.fileRead, at: SourceLocation(path: path), "cannot read this manifest (\(String(cString: strerror(errno)))); a link that leads nowhere, or a missing permission"))
                }
                continue
            }
            if let boundary, info.st_mode & S_IFMT == S_IFDIR || ManifestLoader.isManifestName(name) {
                var own = stat()
                if lstat(path, &own) == 0, own.st_mode & S_IFMT == S_IFLNK, let problem = Self.leavesBoundary(path, boundary) {
                    problems.append(problem)
                    continue
                }
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                visit(folder: path)
            } else if ManifestLoader.isManifestName(name) {
                // Whether it is a regular file is checked, and said, when it is read.
                files.append(path)
            }
        }
    }
}
