import FleetModel
import Platform
import SwiftCSV

/// The ICC column (and optionally a name column) of a CSV file, read with SwiftCSV.
enum CSVImport {
    struct Row {
        var icc: ICC
        var name: String?
    }

    static func read(_ path: String, column: String, nameColumn: String?) -> (rows: [Row], diagnostics: [Diagnostic]) {
        let text: String
        switch TextFile.read(path, limit: 64 << 20) {
        case .success(let read): text = read
        case .failure(let problem): return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot use the CSV file: \(problem)")])
        }
        let table: CSV<Enumerated>
        do {
            table = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            return ([], [.error(.csvInvalid, at: SourceLocation(path: path), "not a CSV file simfleet can read (\(error)); check its quoting")])
        }
        let header = table.header.map { $0.trimmingCharacters(in: .whitespaces) }
        var diagnostics: [Diagnostic] = []
        func index(of name: String) -> Int? {
            if let found = header.firstIndex(of: name) { return found }
            diagnostics.append(.error(.csvColumn, at: SourceLocation(path: path, line: 1, column: 1),
                                      "no column named '\(name)'; the header has \(header.map { "'\($0)'" }.joined(separator: ", "))"))
            return nil
        }
        let iccIndex = index(of: column)
        let nameIndex = nameColumn.flatMap(index(of:))
        guard let iccIndex, diagnostics.isEmpty else { return ([], diagnostics) }
        var rows: [Row] = []
        // A record's first line: the header is line 1, and quoted fields may span lines.
        var line = 2 + header.joined().filter(\.isNewline).count
        for record in table.rows {
            defer { line += 1 + record.joined().filter(\.isNewline).count }
            guard record.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { continue }
            let value = iccIndex < record.count ? record[iccIndex].trimmingCharacters(in: .whitespaces) : ""
            if let problem = ICC.validate(value) {
                diagnostics.append(.error(problem.code, at: SourceLocation(path: path, line: line, column: 1), "column '\(column)': " + problem.message(icc: value)))
                continue
            }
            let name = nameIndex.flatMap { $0 < record.count ? record[$0].trimmingCharacters(in: .whitespaces) : nil }
            rows.append(Row(icc: ICC(unchecked: value), name: name?.isEmpty == false ? name : nil))
        }
        return (rows, diagnostics)
    }
}
