import FleetModel
import Manifests
import Platform

/// How `simfleet validate` shows its result.
public enum ValidationFormat: String, CaseIterable, Sendable {
    case text, json, github
}

/// Renders a `ManifestSet` for people, for programs and for GitHub Actions.
public enum ValidateView {
    /// 2: each diagnostic carries its `code`, and `notes` when it has any.
    public static let formatVersion = 2

    public static func render(_ set: ManifestSet, as format: ValidationFormat) -> [UInt8] {
        var out: [UInt8] = []
        write(set, as: format) { out += $0 }
        return out
    }

    public static func write(_ set: ManifestSet, as format: ValidationFormat, to sink: ([UInt8]) -> Void) {
        switch format {
        case .text: sink(Array(text(set).utf8))
        case .github: sink(Array(github(set).utf8))
        case .json: writeJSON(set, to: sink)
        }
    }

    public static func text(_ set: ManifestSet) -> String {
        var out = ""
        for line in set.diagnostics.formattedLines(omitted: set.omittedDiagnostics) { out += line + "\n" }
        out += summary(set) + "\n"
        return out
    }

    public static func github(_ set: ManifestSet) -> String {
        var out = ""
        for diagnostic in set.diagnostics.prefix(Diagnostics.shownLimit) { out += diagnostic.githubAnnotation + "\n" }
        out += summary(set) + "\n"
        return out
    }

    public static func summary(_ set: ManifestSet) -> String {
        let files = Wording.count(set.files.count, "manifest file")
        if set.isValid {
            return "Valid: \(Wording.count(set.simCount, "SIM")) in \(files)."
        }
        return "Invalid: \(Wording.count(set.errorCount, "error")) in \(files); fix them and run 'simfleet validate' again."
    }

    /// `{"formatVersion", "valid", "files", "diagnostics", "sims"}`; `sims` only for valid input.
    public static func json(_ set: ManifestSet) -> [UInt8] {
        var out: [UInt8] = []
        writeJSON(set) { out += $0 }
        return out
    }

    /// Streams the JSON report to `sink` in pieces, for fleets too large to render twice.
    public static func writeJSON(_ set: ManifestSet, to sink: ([UInt8]) -> Void) {
        var writer = JSONWriter()
        writer.objectStart()
        writer.field("formatVersion", ValidateView.formatVersion)
        writer.field("valid", set.isValid)
        if set.omittedDiagnostics > 0 { writer.field("omittedDiagnostics", set.omittedDiagnostics) }
        writer.array("files", set.files) { w, file in w.value(file) }
        writer.array("diagnostics", set.diagnostics) { w, diagnostic in w.value(diagnostic) }
        if set.isValid {
            writer.key("sims")
            writer.arrayStart()
            sink(writer.bytes)
            var separator: [UInt8] = []
            renderInParallel(set.sims) { chunk in
                sink(separator)
                sink(chunk)
                separator = [UInt8(ascii: ",")]
            }
            writer = JSONWriter()
            writer.arrayEnd()
        }
        writer.objectEnd()
        writer.newline()
        sink(writer.bytes)
    }
}

/// Renders SIMs as comma-separated JSON objects on all cores and hands them to `sink`
/// in order, a round of chunks at a time, so output never waits for the whole fleet
/// to be held in memory twice.
func renderInParallel(_ sims: [DesiredSIM], to sink: ([UInt8]) -> Void) {
    let chunkSize = 2048
    let round = 8
    let chunkCount = (sims.count + chunkSize - 1) / chunkSize
    var first = 0
    while first < chunkCount {
        let start = first
        let rendered = Parallel.map(min(round, chunkCount - first)) { offset in
            let index = start + offset
            var writer = JSONWriter(reservingCapacity: chunkSize * 240)
            for sim in sims[(index * chunkSize)..<min(sims.count, (index + 1) * chunkSize)] { writer.value(sim) }
            return writer.bytes
        }
        for chunk in rendered { sink(chunk) }
        first += rendered.count
    }
}

extension JSONWriter {
    /// `{"severity", "code", "path", "line", "column", "message", "notes"}`; `notes` only
    /// when there are any, each `{"path", "line", "column", "message"}`.
    public mutating func value(_ diagnostic: Diagnostic) {
        objectStart()
        field("severity", diagnostic.severity.rawValue)
        field("code", diagnostic.code.rawValue)
        place(diagnostic.location)
        field("message", diagnostic.message)
        if !diagnostic.notes.isEmpty {
            array("notes", diagnostic.notes) { w, note in
                w.object { w in
                    if let location = note.location { w.place(location) }
                    w.field("message", note.message)
                }
            }
        }
        objectEnd()
    }

    public mutating func value(_ sim: DesiredSIM) {
        object { w in
            w.field("icc", sim.icc)
            w.field("name", sim.name)
            w.field("state", sim.state.rawValue)
            w.field("labels", sorted: sim.labels)
            w.field("protect", sim.protect)
            w.field("callbackUrl", sim.callbackURL)
            w.key("expect")
            w.value(ExpectedValue.mapping(sim.expect))
            w.field("note", sim.note)
            w.field("source", sim.location)
        }
    }

    private mutating func place(_ location: SourceLocation) {
        field("path", location.path)
        if location.line > 0 {
            field("line", location.line)
            field("column", location.column)
        }
    }
}
