import FleetModel
import Manifests
import Platform

/// Edits to SIM entries in their manifests, made in memory and checked whole: `set` and
/// break glass write only what this returns.
public enum ManifestEdits {
    /// Each file's new bytes with `edit` made to the SIMs `wanted` (all declared in
    /// `set`), checked whole: nothing is to be written unless every edit is made and the
    /// edited files still validate. `break-glass` makes its edits here too.
    public static func make(_ wanted: [ICC], edit: ManifestEditor.Edit, set: ManifestSet, limit: Int) -> (written: [(path: String, bytes: [UInt8])], problems: [Diagnostic]) {
        let declared = Dictionary(set.sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        let byFile = Dictionary(grouping: Set(wanted), by: { declared[$0]!.location.path })
        var written: [(path: String, bytes: [UInt8])] = []
        var problems: [Diagnostic] = []
        for (path, inFile) in byFile.sorted(by: { $0.key < $1.key }) {
            let bytes: [UInt8]
            switch RegularFile.read(path, limit: limit) {
            case .success(let read): bytes = read
            case .failure(let problem): return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot edit it: \(problem)")])
            }
            switch ManifestEditor.apply(Dictionary(uniqueKeysWithValues: inFile.map { ($0, edit) }), to: bytes, path: path) {
            case .failure(let problem): return ([], [problem])
            case .success(let result):
                for icc in Set(inFile).subtracting(result.edited).sorted() {
                    problems.append(.error(.setNotEditable, at: declared[icc]!.location, "could not find this entry's 'icc:' to edit; edit it by hand"))
                }
                written.append((path, result.bytes))
            }
        }
        problems += check(written, against: set, wanted: wanted, edit: edit, limit: limit)
        return (problems.isEmpty ? written : [], problems)
    }

    /// The edited files must decode without errors, and declare what was asked.
    static func check(_ written: [(path: String, bytes: [UInt8])], against set: ManifestSet, wanted: [ICC], edit: ManifestEditor.Edit,
                      limit: Int) -> [Diagnostic] {
        let edited = Set(written.map(\.path))
        let sources = set.files.map { file -> ManifestSource in
            if let bytes = written.first(where: { $0.path == file })?.bytes { return ManifestSource(path: file, bytes: bytes) }
            return ManifestSource(path: file, bytes: (try? RegularFile.read(file, limit: limit).get()) ?? [])
        }
        let after = ManifestLoader.load(sources: sources)
        var problems = after.diagnostics.filter { $0.severity == .error && edited.contains($0.location.path) }
            .map { Diagnostic.error($0.code, at: $0.location, "after the edit: \($0.message); nothing was written") }
        let now = Dictionary(after.sims.map { ($0.icc, $0) }, uniquingKeysWith: { first, _ in first })
        for icc in wanted where problems.isEmpty {
            guard let sim = now[icc], sim.state == edit.state, edit.note == nil || sim.note == edit.note else {
                problems.append(.error(.setNotEditable, at: SourceLocation(path: "set"), "ICC \(icc) would not read back as state \(edit.state.rawValue) after the edit (a defaults: block or an unusual layout); edit it by hand. Nothing was written"))
                continue
            }
        }
        return problems
    }
}
