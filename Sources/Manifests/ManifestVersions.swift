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
    private static func keys(of bytes: ArraySlice<UInt8>) -> (split: ManifestEntries, keys: [EntryKey])? {
        guard let split = ManifestEntries(bytes) else { return nil }
        return (split, split.entries.map { EntryKey(context: split.context, text: bytes.within($0)) })
    }

    private var decoded: [EntryKey: [DesiredSIM]] = [:]
    /// The work tree's entries (`workTree`), by file: a version's entries are checked
    /// against the work tree's file at its own path.
    private var current: [String: Set<EntryKey>] = [:]
    /// Entries parsed, and versions decoded whole: what tests check the work against.
    public private(set) var entriesParsed = 0
    public private(set) var versionsParsedWhole = 0

    public init() {}

    /// The SIMs each version declares, in order, as decoding it whole would give them.
    public mutating func sims(of versions: [(path: String, bytes: ArraySlice<UInt8>)]) -> [[DesiredSIM]] {
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
    public mutating func distinctSIMs(of versions: [(path: String, bytes: ArraySlice<UInt8>)]) -> [DesiredSIM] {
        var seen: Set<EntryKey> = []
        var sims: [DesiredSIM] = []
        for version in decode(versions, skippingByPath: current) {
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
        /// Its entries but those skipped, each in `decoded`.
        case entries([EntryKey])
    }

    /// Each version decoded, its entries in `skippingByPath[its path]` left out.
    private mutating func decode(_ versions: [(path: String, bytes: ArraySlice<UInt8>)], skippingByPath: [String: Set<EntryKey>] = [:]) -> [Decoded] {
        // On every core: each version split, and its entries the work tree holds dropped, so
        // only the few the versions changed reach the tables below.
        let known = decoded
        let split = Parallel.map(versions.count) { index -> (split: ManifestEntries, kept: [(entry: Int, key: EntryKey)], unknown: Bool)? in
            guard let (split, keys) = Self.keys(of: versions[index].bytes) else { return nil }
            let skipping = skippingByPath[versions[index].path] ?? []
            let kept = keys.enumerated().filter { !skipping.contains($0.element) }.map { (entry: $0.offset, key: $0.element) }
            return (split, kept, kept.contains { known[$0.key] == nil })
        }
        let splits = split.map { $0?.split }
        let kept = split.map { $0?.kept ?? [] }
        // New entries, each parsed once however many versions hold it, in the first version that does.
        var parseIn: [Int: [(entry: Int, key: EntryKey)]] = [:]
        var pending: Set<EntryKey> = []
        for (index, version) in split.enumerated() where version?.unknown == true {
            for (entry, key) in version!.kept where known[key] == nil && pending.insert(key).inserted {
                parseIn[index, default: []].append((entry, key))
            }
        }
        let jobs = parseIn.keys.sorted()
        let parsed = Parallel.map(jobs.count) { job -> [[DesiredSIM]]? in
            let index = jobs[job], split = splits[index]!
            return Self.parse(parseIn[index]!.map(\.entry), of: versions[index], split: split)
        }
        var whole = Set(splits.indices.filter { splits[$0] == nil })
        for (job, index) in jobs.enumerated() {
            guard let entries = parsed[job] else {
                whole.insert(index)
                continue
            }
            entriesParsed += entries.count
            for (new, sims) in zip(parseIn[index]!, entries) { decoded[new.key] = sims }
        }
        // An entry left unparsed because the version it was to be parsed in fell back makes
        // every version holding it fall back too.
        for index in kept.indices where !whole.contains(index) && kept[index].contains(where: { decoded[$0.key] == nil }) {
            whole.insert(index)
        }
        let fallback = whole.sorted()
        let full = Parallel.map(fallback.count) { ManifestDecoder.decode(path: versions[fallback[$0]].path, bytes: versions[fallback[$0]].bytes).sims }
        versionsParsedWhole += fallback.count
        var results = kept.map { Decoded.entries($0.map(\.key)) }
        for (position, index) in fallback.enumerated() { results[index] = .whole(full[position]) }
        return results
    }

    /// The entries `indices` of a version parsed in one document with the version's
    /// surroundings, each entry's SIMs found by the lines it spans and moved back to the
    /// lines they hold in the version; nil when that document has any error, which the
    /// whole version may explain differently.
    private static func parse(_ indices: [Int], of version: (path: String, bytes: ArraySlice<UInt8>), split: ManifestEntries) -> [[DesiredSIM]]? {
        var document = Array(version.bytes.within(0..<split.blockStart))
        var starts: [Int] = []
        var line = split.linesBeforeBlock + 1
        for index in indices {
            starts.append(line)
            document += version.bytes.within(split.entries[index])
            line += split.lineRange(of: index).count
        }
        starts.append(line)
        document += version.bytes.within(split.blockEnd..<version.bytes.count)
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
        guard let work, let (baseSplit, baseKeys) = keys(of: base.bytes[...]), let (workSplit, workKeys) = keys(of: work[...]),
              baseSplit.context == workSplit.context else { return nil }
        let inBase = Set(baseKeys), inWork = Set(workKeys)
        let gone = baseKeys.indices.filter { !inWork.contains(baseKeys[$0]) }
        var sims: [DesiredSIM] = []
        if !gone.isEmpty {
            guard let parsed = parse(gone, of: (base.path, base.bytes[...]), split: baseSplit) else { return nil }
            sims = parsed.flatMap { $0 }
        }
        return BaseDifference(sims: sims, identicalLines: workKeys.indices.filter { inBase.contains(workKeys[$0]) }.map(workSplit.lineRange(of:)))
    }

    /// Work-tree files' entries: a version's entry equal to one of its path's declares what
    /// the work tree declares, so it adds nothing to a union of versions and is not parsed.
    /// Each file's table is built on a core of its own.
    public mutating func workTree(_ files: [(path: String, bytes: [UInt8])]) {
        let tables = Parallel.map(files.count) { Set(Self.keys(of: files[$0].bytes[...])?.keys ?? []) }
        for (file, table) in zip(files, tables) { current[file.path, default: []].formUnion(table) }
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

    private init() {}

    /// Offsets are from the first byte of `bytes`, wherever the slice starts.
    init?(_ bytes: ArraySlice<UInt8>) {
        guard let found = bytes.withUnsafeBufferPointer({ Self.split($0) }) else { return nil }
        self = found
        var hasher = Hasher()
        bytes.within(0..<blockStart).withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(0xFF as UInt8)
        bytes.within(blockEnd..<bytes.count).withUnsafeBytes { hasher.combine(bytes: $0) }
        context = hasher.finalize()
    }

    /// The split without the context hash, over the bytes in one pass and then by line:
    /// 600 versions of 100 KB are split on every plan over a long history.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> ManifestEntries? {
        var split = ManifestEntries()
        // Lines as byte ranges, each with its line break. On the way: bytes that could tie
        // one entry to another, or the text to something else (`+` before a line break: a
        // block scalar that keeps its trailing blank lines), and flow collections or
        // double-quoted text that do not close on the line they open on, so no entry's text
        // runs past a line that looks like the next item.
        var lines: [Range<Int>] = []
        lines.reserveCapacity(bytes.count / 16)
        var start = 0, quotes = 0, braces = 0, brackets = 0
        for offset in 0..<bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: "%"):
                return nil
            case UInt8(ascii: "+") where offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "\n"):
                return nil
            case UInt8(ascii: "\""): quotes += 1
            case UInt8(ascii: "{"): braces += 1
            case UInt8(ascii: "}"): braces -= 1
            case UInt8(ascii: "["): brackets += 1
            case UInt8(ascii: "]"): brackets -= 1
            case UInt8(ascii: "\n"):
                if quotes % 2 != 0 || braces != 0 || brackets != 0 { return nil }
                lines.append(start..<(offset + 1))
                (start, quotes, braces, brackets) = (offset + 1, 0, 0, 0)
            default: break
            }
        }
        if start < bytes.count { return nil }  // no line break at the end: the last entry would run into the surroundings
        func indentation(_ line: Range<Int>) -> Int {
            var count = 0
            while line.lowerBound + count < line.upperBound && bytes[line.lowerBound + count] == UInt8(ascii: " ") { count += 1 }
            return count
        }
        func isBlankOrComment(_ line: Range<Int>) -> Bool {
            let first = line.lowerBound + indentation(line)
            return first == line.upperBound || bytes[first] == UInt8(ascii: "\n") || bytes[first] == UInt8(ascii: "#")
        }
        func starts(_ line: Range<Int>, at skip: Int = 0, with text: StaticString) -> Bool {
            let from = line.lowerBound + skip
            guard from + text.utf8CodeUnitCount <= line.upperBound else { return false }
            for index in 0..<text.utf8CodeUnitCount where bytes[from + index] != text.utf8Start[index] { return false }
            return true
        }
        // One document: no marker lines.
        if lines.contains(where: { starts($0, with: "---") || starts($0, with: "...") }) { return nil }
        // `sims:` at the top, once, with nothing after it on its line but a comment.
        let simsLines = lines.indices.filter { index in
            guard starts(lines[index], with: "sims:") else { return false }
            var rest = lines[index].lowerBound + 5
            while rest < lines[index].upperBound && bytes[rest] == UInt8(ascii: " ") { rest += 1 }
            return rest < lines[index].upperBound && (bytes[rest] == UInt8(ascii: "\n") || bytes[rest] == UInt8(ascii: "#"))
        }
        guard simsLines.count == 1, let simsLine = simsLines.first else { return nil }
        var index = simsLine + 1
        while index < lines.count && isBlankOrComment(lines[index]) { index += 1 }
        guard index < lines.count else { return nil }
        let itemIndentation = indentation(lines[index])
        func isItem(_ line: Range<Int>) -> Bool {
            indentation(line) == itemIndentation && starts(line, at: itemIndentation, with: "- ")
        }
        guard isItem(lines[index]) else { return nil }
        split.blockStart = lines[index].lowerBound
        split.linesBeforeBlock = index
        var current = index
        index += 1
        while index < lines.count {
            let line = lines[index]
            if isItem(line) {
                split.entries.append(lines[current].lowerBound..<line.lowerBound)
                split.entryLines.append(current + 1)
                current = index
            } else if !isBlankOrComment(line) && indentation(line) <= itemIndentation {
                break
            }
            index += 1
        }
        // The last entry ends at its last line that is not blank or a comment: those belong around the block.
        var end = index
        while end > current + 1 && isBlankOrComment(lines[end - 1]) { end -= 1 }
        split.entries.append(lines[current].lowerBound..<lines[end - 1].upperBound)
        split.entryLines.append(current + 1)
        split.lastEntryLineCount = end - current
        split.blockEnd = lines[end - 1].upperBound
        return split
    }
}

extension ArraySlice where Element == UInt8 {
    /// The bytes at `range`, counted from the slice's first byte (a version read as a slice
    /// of git's whole answer starts where that answer put it).
    func within(_ range: Range<Int>) -> ArraySlice<UInt8> {
        self[(startIndex + range.lowerBound)..<(startIndex + range.upperBound)]
    }
}
