import FleetModel
import Foundation

/// Every SIM the manifests declare, and every problem found on the way.
public struct ManifestSet: Sendable {
    /// SIMs in file order, then in the order written.
    public var sims: [DesiredSIM]
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The manifest files read, in the order read.
    public var files: [String]

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
struct FleetAssembler {
    private var sims: [DesiredSIM] = []
    private var diagnostics: [Diagnostic] = []
    private var paths: [String] = []
    private var firstDeclared: [ICC: Int] = [:] // index into sims

    init(capacity: Int) {
        sims.reserveCapacity(capacity)
        firstDeclared.reserveCapacity(capacity)
    }

    mutating func add(_ file: ManifestFile) {
        paths.append(file.path)
        diagnostics += file.diagnostics
        for sim in file.sims {
            if let first = firstDeclared[sim.icc] {
                diagnostics.append(.error(
                    at: sim.location,
                    "ICC \(sim.icc) is declared twice: here and at \(sims[first].location); keep one entry per SIM"
                ))
                continue
            }
            firstDeclared[sim.icc] = sims.count
            sims.append(sim)
        }
    }

    func finish() -> ManifestSet {
        ManifestSet(sims: sims, diagnostics: diagnostics, files: paths)
    }
}

/// Finds manifest files, reads them in parallel and checks the fleet as a whole.
public enum ManifestLoader {
    public static let fileExtensions: Set<String> = ["yaml", "yml"]

    /// Loads every `*.yaml` and `*.yml` file under `paths`, recursively, in a fixed order.
    ///
    /// Hidden files and folders (`.git`, `.simfleet`) are not searched. A path named
    /// directly is read whatever its extension.
    public static func load(paths: [String]) async -> ManifestSet {
        var diagnostics: [Diagnostic] = []
        var roots: [(path: String, files: [String])] = []
        var seenFiles: Set<String> = []
        for path in paths {
            switch discover(path) {
            case .success(let files):
                roots.append((path, files))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        let files = roots.flatMap(\.files).filter { seenFiles.insert($0).inserted }
        var decoded = await decodeInParallel(files)
        // A root with neither SIMs nor errors is most likely a wrong path or an accidental mass deletion.
        let silentFiles = Set(decoded.filter { $0.sims.isEmpty && !$0.diagnostics.hasErrors }.map(\.path))
        var fleet = FleetAssembler(capacity: decoded.reduce(0) { $0 + $1.sims.count })
        for index in decoded.indices {
            // Hand each file over and drop it, so the fleet is never held twice.
            fleet.add(decoded[index])
            decoded[index].sims = []
        }
        var set = fleet.finish()
        set.diagnostics += diagnostics
        for root in roots {
            if root.files.allSatisfy(silentFiles.contains) {
                set.diagnostics.append(.error(
                    at: SourceLocation(path: root.path),
                    "no SIMs found under \(root.path); check the path (manifests are *.yaml or *.yml files with a 'sims:' list)"
                ))
            }
        }
        set.diagnostics.sort()
        return set
    }

    /// Decodes in-memory sources and checks them together: the pure core of `load(paths:)`.
    public static func load(sources: [ManifestSource]) -> ManifestSet {
        var fleet = FleetAssembler(capacity: 0)
        for source in sources { fleet.add(ManifestDecoder.decode(path: source.path, bytes: source.bytes)) }
        var set = fleet.finish()
        set.diagnostics.sort()
        return set
    }

    private static func decodeInParallel(_ files: [String]) async -> [ManifestFile] {
        await withTaskGroup(of: (Int, ManifestFile).self) { group in
            var results = [ManifestFile?](repeating: nil, count: files.count)
            for (index, path) in files.enumerated() {
                group.addTask { (index, ManifestDecoder.decode(contentsOf: path)) }
            }
            for await (index, file) in group { results[index] = file }
            return results.map { $0! }
        }
    }

    /// The manifest files a path stands for, sorted, or why there are none.
    static func discover(_ path: String) -> Result<[String], Diagnostic> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(.error(at: SourceLocation(path: path), "no such file or folder; pass a manifest file or a folder of *.yaml files"))
        }
        guard isDirectory.boolValue else { return .success([path]) }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            return .failure(.error(at: SourceLocation(path: path), "cannot list this folder; check its permissions"))
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            // simfleet.yaml configures the tool; it is not a manifest.
            guard fileExtensions.contains(ext), name != SimfleetConfig.fileName, name != "simfleet.yml" else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(prefix + relative)
            }
        }
        // Byte order, so the result does not depend on locale or file system.
        return .success(files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}
