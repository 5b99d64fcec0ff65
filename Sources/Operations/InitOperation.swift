import Foundation
import Manifests
import Platform
import Scaffold

/// Writes a new GitOps repository's files into a folder: every path checked before any
/// is written, existing files kept unless forced, `.simfleet/` added to a `.gitignore`.
public struct InitOperation: Sendable {
    public var directory: String
    public var ci: Scaffold.CI?
    public var force: Bool
    /// With `--import`, the example manifest is not written: the imported one takes its place.
    public var withoutExample: Bool

    public init(directory: String, ci: Scaffold.CI?, force: Bool, withoutExample: Bool) {
        (self.directory, self.ci, self.force, self.withoutExample) = (directory, ci, force, withoutExample)
    }

    /// Paths relative to the folder, each with what was done; problems say what to do.
    public struct Result: Sendable, Equatable {
        public var wrote: [String] = []
        public var kept: [String] = []
        public var problems: [String] = []
        /// True when a check stopped init before it wrote anything.
        public var refusedWhole = false
    }

    public func run() -> Result {
        var result = Result()
        let files = Scaffold.files(ci: ci, schema: ManifestJSONSchema.rendered())
            .filter { !withoutExample || $0.path != Scaffold.exampleManifestPath }
        // Checked for every file before any is written: a folder on the way that is a link
        // leading outside the target would have init write wherever it points.
        let leaving = Set(files.compactMap { Self.linkLeavingTarget(on: $0.path, in: directory) })
        guard leaving.isEmpty else {
            result.problems = leaving.sorted()
            result.refusedWhole = true
            return result
        }
        for file in files {
            let path = PathName.join(directory, file.path)
            switch Self.existing(path) {
            case .regular where file.path == ".gitignore":
                switch Self.addIgnoreLine(to: path) {
                case .success(true): result.wrote.append(file.path + " (added \(Scaffold.ignoreLine))")
                case .success(false): result.kept.append(file.path + " (it ignores \(Scaffold.ignoreLine) already)")
                case .failure(let problem): result.problems.append("\(file.path): \(problem)")
                }
                continue
            case .regular where !force:
                result.kept.append(file.path + " (it exists; --force replaces it)")
                continue
            case .other(let kind):
                result.problems.append("\(file.path): \(kind), not a regular file; left alone")
                continue
            case .regular, .none:
                break
            }
            do {
                try AtomicFile.write(Array(file.contents.utf8), to: path)
                result.wrote.append(file.path)
            } catch {
                result.problems.append("\(file.path): cannot write it (\(error)); check the folder is writable")
            }
        }
        return result
    }

    /// The first folder on the way from `directory` to `relative`'s folder that is a link
    /// leading outside `directory` (or nowhere), said as a problem.
    static func linkLeavingTarget(on relative: String, in directory: String) -> String? {
        guard let top = PathName.real(directory) else { return nil }
        var folder = directory
        var spelled = ""
        for component in PathName.parent(of: relative).split(separator: "/") where component != "." {
            folder = PathName.join(folder, String(component))
            spelled = PathName.join(spelled, String(component))
            var info = stat()
            // Missing: init makes it, a real folder, and everything below it.
            guard lstat(folder, &info) == 0 else { return nil }
            guard info.st_mode & S_IFMT == S_IFLNK else { continue }
            guard let real = PathName.real(folder), PathName.isInside(real, top) else {
                let target = PathName.real(folder).map { "to \($0)" } ?? "to nothing that exists"
                return "\(spelled) is a link leading outside \(directory) (\(target)); init writes nothing through it. Replace it with a folder, or run init where it leads"
            }
        }
        return nil
    }

    enum Existing { case none, regular, other(String) }

    /// What is at `path`, without following a final link: a link is never written through.
    static func existing(_ path: String) -> Existing {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .none }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFLNK: return .other("a symbolic link")
        case S_IFDIR: return .other("a folder")
        default: return .other("a special file")
        }
    }

    struct Problem: Error, CustomStringConvertible { var description: String }

    /// Adds `.simfleet/` to an existing `.gitignore` that does not ignore it yet.
    static func addIgnoreLine(to path: String) -> Swift.Result<Bool, Problem> {
        let text: String
        switch TextFile.read(path, limit: 1 << 20) {
        case .success(let read): text = read
        case .failure(let problem): return .failure(Problem(description: "cannot read it (\(problem))"))
        }
        let ignored = TextFile.lines(text).contains { line in
            let entry = line.trimmingCharacters(in: .whitespaces)
            return entry == ".simfleet" || entry == ".simfleet/" || entry == "/.simfleet" || entry == "/.simfleet/"
        }
        guard !ignored else { return .success(false) }
        let separator = text.isEmpty || text.hasSuffix("\n") ? "" : "\n"
        do {
            try AtomicFile.write(Array((text + separator + Scaffold.ignoreLine + "\n").utf8), to: path)
            return .success(true)
        } catch {
            return .failure(Problem(description: "cannot write it (\(error))"))
        }
    }
}
