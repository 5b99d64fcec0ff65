import FleetModel
import Foundation
import NexConAPI
import Platform
import YAML

/// Where a simulator's first SIMs come from: seed files and manifests.
public enum Seeds {
    static let recordKeys = ["icc", "status", "tags", "countryCode", "msisdn", "product", "pool"]

    /// Reads a JSON or YAML list of SIM records (or `{"sims": [...]}`, as in a state file).
    ///
    /// Each record: `icc` (required, a valid ICC), `status` (default INACTIVE; any text, so
    /// a client can be tested against statuses it does not know), `tags`, `countryCode`,
    /// `msisdn`, `product` and `pool` (`{id, name}`).
    /// Larger seed files are refused unread.
    public static let maximumSize = 512 << 20

    public static func read(path: String) -> (sims: [SimulatedSIM], diagnostics: [Diagnostic]) {
        let data: [UInt8]
        switch RegularFile.read(path, limit: maximumSize) {
        case .success(let bytes): data = bytes
        case .failure(let problem): return ([], [.error(.fileRead, at: SourceLocation(path: path), "cannot read the seed file: \(problem)")])
        }
        let (documents, syntax) = YAMLNode.documents(path: path, bytes: data)
        var diagnostics = syntax
        var sims: [SimulatedSIM] = []
        var seen: [String: SourceLocation] = [:]
        for document in documents {
            let list = document["sims"] ?? document
            guard case .sequence(let records, _) = list else {
                diagnostics.append(.error(.seedShape, at: list.location, "a seed file must be a list of SIM records, found \(list.kindName)"))
                continue
            }
            for record in records {
                guard case .mapping = record else {
                    diagnostics.append(.error(.seedShape, at: record.location, "a SIM record must be a mapping such as {icc: ..., status: ACTIVATED}, found \(record.kindName)"))
                    continue
                }
                diagnostics += record.unknownKeys(recordKeys + ["job"], context: "a SIM record")
                guard let iccNode = record["icc"], let icc = iccNode.text else {
                    diagnostics.append(.error(.iccMissing, at: record.location, "this SIM record has no 'icc'"))
                    continue
                }
                if let problem = ICC.validate(icc) {
                    diagnostics.append(problem.diagnostic(icc: icc, at: iccNode.location))
                    continue
                }
                if let first = seen[icc] {
                    diagnostics.append(.error(.iccDuplicate, at: iccNode.location, "ICC \(icc) is seeded twice; keep one record per SIM", notes: [Diagnostic.Note(at: first, "first seeded here")]))
                    continue
                }
                seen[icc] = iccNode.location
                var sim = SimulatedSIM(icc: icc, status: record["status"]?.text ?? Lifecycle.inactive)
                if let tags = record["tags"] {
                    if case .sequence(let items, _) = tags, items.allSatisfy({ $0.text != nil }) {
                        sim.live.tags = items.compactMap(\.text)
                    } else {
                        diagnostics.append(.error(.seedShape, at: tags.location, "'tags' must be a list of text"))
                    }
                }
                sim.live.countryCode = record["countryCode"]?.text
                sim.live.msisdn = record["msisdn"]?.text
                for key in ["product", "pool"] {
                    guard let node = record[key], !node.isNull else { continue }
                    guard let id = node["id"]?.text.flatMap({ Int($0) }), let name = node["name"]?.text else {
                        diagnostics.append(.error(.seedShape, at: node.location, "'\(key)' must be {id: <number>, name: <text>}"))
                        continue
                    }
                    if key == "product" { sim.live.product = NamedRef(id: id, name: name) } else { sim.live.pool = NamedRef(id: id, name: name) }
                }
                sims.append(sim)
            }
        }
        return (sims, diagnostics.sorted())
    }

    /// A SIM for every ICC in the manifests, in a live status derived from its ICC: about
    /// a third already as declared, the rest in another status from which the declared state
    /// can be reached. The same manifests always give the same demo fleet, and its plan
    /// shows each kind of step.
    public static func fromManifests(_ desired: [DesiredSIM]) -> [SimulatedSIM] {
        desired.map { sim in
            let hash = fnv1a(sim.icc.digits) >> 20 // these bits give the example fleet every kind of step
            let others: [String] = switch sim.state {
            case .active: [Lifecycle.inactive, Lifecycle.blocked]
            case .blocked: [Lifecycle.inactive, Lifecycle.activated]
            case .inactive: []
            case .terminated: [Lifecycle.activated, Lifecycle.blocked, Lifecycle.inactive]
            }
            let same = [SIMState.active: Lifecycle.activated, .blocked: Lifecycle.blocked,
                        .inactive: Lifecycle.inactive, .terminated: Lifecycle.terminated][sim.state]!
            let status = others.isEmpty || hash % 3 == 0 ? same : others[Int((hash >> 8) % UInt64(others.count))]
            return simulated(icc: sim.icc.digits, status: status)
        }
    }

    static func simulated(icc: String, status: String) -> SimulatedSIM {
        let hash = fnv1a(icc)
        let digits = Array(icc.utf8)
        let countryDigits = String(decoding: digits[2..<4], as: UTF8.self)
        let country = ["45": "DK", "46": "SE", "44": "GB", "47": "NO", "49": "DE", "31": "NL"][countryDigits] ?? "DK"
        return SimulatedSIM(
            icc: icc, status: status,
            tags: (hash >> 8) % 3 == 0 ? ["gps", "fleet"] : ["fleet"],
            countryCode: country,
            msisdn: countryDigits + String(format: "%08llu", (hash >> 16) % 100_000_000),
            product: NamedRef(id: 12, name: "IoT Nordic 1GB"),
            pool: NamedRef(id: 7, name: "Default pool")
        )
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }
}
