import FleetModel
import Platform

/// Versions of the same manifests (the merge-base's, the history since, the work tree's)
/// compared and decoded in proportion to what changed between them. Each version is split
/// into its SIM entries by text; an entry with the same text and the same surroundings (the
/// document around the `sims:` block) declares the same thing wherever it appears. So a
/// base file is compared with the work tree's entry by entry (`difference`), a version's
/// entries the work tree holds are left out of the history (`distinctSIMs`), an entry seen
/// in an earlier version reuses what that one decoded, and only new entries are parsed,
/// together, in a small document with the same surroundings. A version the split cannot be
/// sure of (several documents, anchors, aliases, tags, CR line ends, a `sims:` not at the
/// top, multi-line flow or quoted text) is decoded whole, as is one whose new entries do
/// not decode cleanly, so what is returned is what decoding the whole version gives.
public struct ManifestVersions: Sendable {
    /// An entry's text and surroundings, hashed once when made (on every core, with the
    /// split) so the tables it goes into hash one word.
    private struct EntryKey: Hashable, Sendable {
        let context: Int
        let text: ArraySlice<UInt8>
        let digest: Int

        init(context: Int, text: ArraySlice<UInt8>) {
            var hasher = Hasher()
            hasher.combine(context)
            text.withUnsafeBytes { hasher.combine(bytes: $0) }
            (self.context, self.text, digest) = (context, text, hasher.finalize())
        }

        func hash(into hasher: inout Hasher) { hasher.combine(digest) }

        static func == (a: EntryKey, b: EntryKey) -> Bool {
            a.digest == b.digest && a.context == b.context && a.text.elementsEqual(b.text)
        }
    }

    /// A version's split and its entries' keys.
    private static func keys(of bytes: [UInt8]) -> (split: ManifestEntries, keys: [EntryKey])? {
        guard let split = ManifestEntries(bytes) else { return nil }
        return (split, split.entries.map { EntryKey(context: split.context, text: bytes[$0]) })
    }

    private var decoded: [EntryKey: [DesiredSIM]] = [:]
    /// The work tree's entries (`workTree`).
    private var current: Set<EntryKey> = []
    /// Entries parsed, and versions decoded whole: what tests check the work against.
    public private(set) var entriesParsed = 0
    public private(set) var versionsParsedWhole = 0

    public init() {}

    /// The SIMs each version declares, in order, as decoding it whole would give them.
    public mutating func sims(of versions: [(path: String, bytes: [UInt8])]) -> [[DesiredSIM]] {
        decode(versions).map { version in
            switch version {
            case .whole(let sims): sims
            case .entries(let keys): keys.flatMap { decoded[$0]! }
            }
        }
    }

    /// Every SIM the versions declare, each entry (its text and surroundings) once, and
    /// none the work tree holds (`workTree`), which are not even parsed: a union of
    /// versions gains nothing from a version it has, or from one equal to the work tree's.
    /// 2,000 versions of 1,000-SIM files come to about 6,000 entries, not 2,000,000 SIMs.
    public mutating func distinctSIMs(of versions: [(path: String, bytes: [UInt8])]) -> [DesiredSIM] {
        var seen = current
        var sims: [DesiredSIM] = []
        for version in decode(versions, skipping: current) {
            switch version {
            case .whole(let all): sims += all
            case .entries(let keys): for key in keys where seen.insert(key).inserted { sims += decoded[key]! }
            }
        }
        return sims
    }

    private enum Decoded {
        /// Decoded whole: its SIMs.
        case whole([DesiredSIM])
        /// Its entries, each in `decoded`.
        case entries([EntryKey])
    }

    private mutating func decode(_ versions: [(path: String, bytes: [UInt8])], skipping: Set<EntryKey> = []) -> [Decoded] {
        let split = Parallel.map(versions.count) { Self.keys(of: versions[$0].bytes) }
        let splits = split.map { $0?.split }
        let keys = split.map { $0?.keys ?? [] }
        // New entries, each parsed once however many versions hold it, in the first version that does.
        var parseIn: [Int: [Int]] = [:]
        var pending: Set<EntryKey> = []
        for (index, versionKeys) in keys.enumerated() {
            for (entry, key) in versionKeys.enumerated() where decoded[key] == nil && !skipping.contains(key) && pending.insert(key).inserted {
                parseIn[index, default: []].append(entry)
            }
        }
        let jobs = parseIn.keys.sorted()
        let parsed = Parallel.map(jobs.count) { job -> [[DesiredSIM]]? in
            let index = jobs[job], split = splits[index]!
            return Self.parse(parseIn[index]!, of: versions[index], split: split)
        }
        var whole = Set(splits.indices.filter { splits[$0] == nil })
        for (job, index) in jobs.enumerated() {
            guard let entries = parsed[job] else {
                whole.insert(index)
                continue
            }
            entriesParsed += entries.count
            for (entry, sims) in zip(parseIn[index]!, entries) { decoded[keys[index][entry]] = sims }
        }
        // An entry left unparsed because the version it was to be parsed in fell back makes
        // every version holding it fall back too.
        for index in keys.indices where !whole.contains(index) && keys[index].contains(where: { decoded[$0] == nil && !skipping.contains($0) }) {
            whole.insert(index)
        }
        let fallback = whole.sorted()
        let full = Parallel.map(fallback.count) { ManifestDecoder.decode(path: versions[fallback[$0]].path, bytes: versions[fallback[$0]].bytes).sims }
        versionsParsedWhole += fallback.count
        var results = keys.map { Decoded.entries($0) }
        for (position, index) in fallback.enumerated() { results[index] = .whole(full[position]) }
        return results
    }

    /// The entries `indices` of a version parsed in one document with the version's
    /// surroundings, each entry's SIMs found by the lines it spans and moved back to the
    /// lines they hold in the version; nil when that document has any error, which the
    /// whole version may explain differently.
    private static func parse(_ indices: [Int], of version: (path: String, bytes: [UInt8]), split: ManifestEntries) -> [[DesiredSIM]]? {
        var document = Array(version.bytes[..<split.blockStart])
        var starts: [Int] = []
        var line = split.linesBeforeBlock + 1
        for index in indices {
            starts.append(line)
            document += version.bytes[split.entries[index]]
            line += split.lineRange(of: index).count
        }
        starts.append(line)
        document += version.bytes[split.blockEnd...]
        let file = ManifestDecoder.decode(path: version.path, bytes: document)
        guard !file.diagnostics.hasErrors, file.omittedDiagnostics == 0 else { return nil }
        var entries = [[DesiredSIM]](repeating: [], count: indices.count)
        var entry = 0
        for var sim in file.sims {
            while entry + 1 < indices.count && sim.location.line >= starts[entry + 1] { entry += 1 }
            guard sim.location.line >= starts[entry] && sim.location.line < starts[entry + 1] else { return nil }
            let shift = split.lineRange(of: indices[entry]).lowerBound - starts[entry]
            sim.location.line += shift
            // A state from `defaults:` stays where the surroundings put it.
            if (starts[entry]..<starts[entry + 1]).contains(sim.stateLocation.line) { sim.stateLocation.line += shift }
            entries[entry].append(sim)
        }
        return entries
    }

    /// What a base file declares that its work-tree file at the same path does not: the
    /// SIMs of the base's entries the work tree lacks (decoded, at the base's lines), and
    /// the work tree's entries the base holds word for word (as line ranges: they declare
    /// at the base just what they declare now). nil when the two cannot be compared by
    /// entry (different surroundings, a split the text does not allow, an entry that does
    /// not decode cleanly): decode the base whole.
    public static func difference(base: (path: String, bytes: [UInt8]), work: [UInt8]?) -> BaseDifference? {
        guard let work, let (baseSplit, baseKeys) = keys(of: base.bytes), let (workSplit, workKeys) = keys(of: work),
              baseSplit.context == workSplit.context else { return nil }
        let inBase = Set(baseKeys), inWork = Set(workKeys)
        let gone = baseKeys.indices.filter { !inWork.contains(baseKeys[$0]) }
        var sims: [DesiredSIM] = []
        if !gone.isEmpty {
            guard let parsed = parse(gone, of: base, split: baseSplit) else { return nil }
            sims = parsed.flatMap { $0 }
        }
        return BaseDifference(sims: sims, identicalLines: workKeys.indices.filter { inBase.contains(workKeys[$0]) }.map(workSplit.lineRange(of:)))
    }

    /// Work-tree files' entries: a version's entry equal to one of them declares what the
    /// work tree declares, so it adds nothing to a union of versions and is not parsed.
    public mutating func workTree(_ files: [[UInt8]]) {
        for keys in Parallel.map(files.count, { Self.keys(of: files[$0])?.keys ?? [] }) { current.formUnion(keys) }
    }
}

/// See `ManifestVersions.difference(base:work:)`.
public struct BaseDifference: Sendable, Equatable {
    public var sims: [DesiredSIM]
    /// 1-based, end excluded, sorted.
    public var identicalLines: [Range<Int>]
}

/// A manifest's `sims:` block split into its entries by text: the lines of each `- `
/// item at the block's indentation, and a hash of everything around the block (the
/// document's other keys, `defaults:` among them), which an entry's meaning depends on.
/// nil for anything the split cannot be sure of.
struct ManifestEntries {
    /// Byte ranges of the entries, in order, each ending after its last line's line break.
    var entries: [Range<Int>] = []
    /// Where the first entry starts and the block ends (both byte offsets).
    var blockStart = 0
    var blockEnd = 0
    /// Lines before the first entry.
    var linesBeforeBlock = 0
    var context = 0
    /// The 1-based line each entry starts on, and how many lines the last one spans.
    var entryLines: [Int] = []
    var lastEntryLineCount = 0

    /// The lines entry `index` spans, 1-based, end excluded.
    func lineRange(of index: Int) -> Range<Int> {
        entryLines[index]..<(index + 1 < entryLines.count ? entryLines[index + 1] : entryLines[index] + lastEntryLineCount)
    }

    init?(_ bytes: [UInt8]) {
        // Bytes that could tie one entry to another, or the text to something else.
        // (`+` before a line break: a block scalar that keeps its trailing blank lines.)
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "&") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "!")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "%")
            || (byte == UInt8(ascii: "+") && offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "\n")) {
            return nil
        }
        // Lines as byte ranges, each with its line break.
        var lines: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<(offset + 1))
            start = offset + 1
        }
        if start < bytes.count { return nil }  // no line break at the end: the last entry would run into the surroundings
        // Flow collections and double-quoted text close on the line they open on, so no
        // entry's text runs past a line that looks like the next item.
        for line in lines {
            var quotes = 0, braces = 0, brackets = 0
            for byte in bytes[line] {
                switch byte {
                case UInt8(ascii: "\""): quotes += 1
                case UInt8(ascii: "{"): braces += 1
                case UInt8(ascii: "}"): braces -= 1
                case UInt8(ascii: "["): brackets += 1
                case UInt8(ascii: "]"): brackets -= 1
                default: break
                }
            }
            if quotes % 2 != 0 || braces != 0 || brackets != 0 { return nil }
        }
        func indentation(_ line: Range<Int>) -> Int { bytes[line].prefix { $0 == UInt8(ascii: " ") }.count }
        func isBlankOrComment(_ line: Range<Int>) -> Bool {
            let rest = bytes[line].drop { $0 == UInt8(ascii: " ") }
            return rest.first == nil || rest.first == UInt8(ascii: "\n") || rest.first == UInt8(ascii: "#")
        }
        func starts(_ line: Range<Int>, with text: String) -> Bool { bytes[line].starts(with: text.utf8) }
        // One document: no marker lines.
        if lines.contains(where: { starts($0, with: "---") || starts($0, with: "...") }) { return nil }
        // `sims:` at the top, once, with nothing after it on its line but a comment.
        let simsLines = lines.indices.filter { index in
            guard starts(lines[index], with: "sims:") else { return false }
            let rest = bytes[lines[index]].dropFirst(5).drop { $0 == UInt8(ascii: " ") }
            return rest.first == UInt8(ascii: "\n") || rest.first == UInt8(ascii: "#")
        }
        guard simsLines.count == 1, let simsLine = simsLines.first else { return nil }
        var index = simsLine + 1
        while index < lines.count && isBlankOrComment(lines[index]) { index += 1 }
        guard index < lines.count else { return nil }
        let itemIndentation = indentation(lines[index])
        func isItem(_ line: Range<Int>) -> Bool {
            indentation(line) == itemIndentation && bytes[line].dropFirst(itemIndentation).starts(with: "- ".utf8)
        }
        guard isItem(lines[index]) else { return nil }
        blockStart = lines[index].lowerBound
        linesBeforeBlock = index
        var current = index
        index += 1
        while index < lines.count {
            let line = lines[index]
            if isItem(line) {
                entries.append(lines[current].lowerBound..<line.lowerBound)
                entryLines.append(current + 1)
                current = index
            } else if !isBlankOrComment(line) && indentation(line) <= itemIndentation {
                break
            }
            index += 1
        }
        // The last entry ends at its last line that is not blank or a comment: those belong around the block.
        var end = index
        while end > current + 1 && isBlankOrComment(lines[end - 1]) { end -= 1 }
        entries.append(lines[current].lowerBound..<lines[end - 1].upperBound)
        entryLines.append(current + 1)
        lastEntryLineCount = end - current
        blockEnd = lines[end - 1].upperBound
        var hasher = Hasher()
        bytes[..<blockStart].withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(0xFF as UInt8)
        bytes[blockEnd...].withUnsafeBytes { hasher.combine(bytes: $0) }
        context = hasher.finalize()
    }
}
