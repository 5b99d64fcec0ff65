import FleetModel
import Foundation
import NexConAPI
import Platform

/// The simulator's state on disk: `{"formatVersion": 1, "sims": [...]}`, written atomically.
public enum StateFile {
    struct Document: Decodable {
        var formatVersion: Int
        var sims: [Record]
    }

    /// A SIM record: its ICC and job, and the status answer's fields beside them, read
    /// through the wire type.
    struct Record: Decodable {
        var icc: String
        var live: StatusResponse
        var job: Job?

        enum Keys: String, CodingKey { case icc, job }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            icc = try container.decode(String.self, forKey: .icc)
            job = try container.decodeIfPresent(Job.self, forKey: .job)
            job?.icc = icc
            live = try StatusResponse(from: decoder)
        }
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a state file; a missing file is an empty fleet.
    public static func read(_ path: String) throws(ReadError) -> [SimulatedSIM] {
        let data: Data
        switch RegularFile.read(path, limit: Seeds.maximumSize) {
        case .success(let bytes): data = Data(bytes)
        case .failure(.missing): return []
        case .failure(let problem): throw ReadError(description: "\(path): error: cannot read the simulator state: \(problem)")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let container = try decoder.singleValueContainer()
                guard let date = Timestamp.parse(try container.decode(String.self)) else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 time")
                }
                return date
            }
            let document = try decoder.decode(Document.self, from: data)
            guard document.formatVersion == 1 else {
                throw ReadError(description: "\(path): error: state file format \(document.formatVersion) is not supported; move the file away to start afresh")
            }
            return document.sims.map { record in
                SimulatedSIM(icc: record.icc, live: record.live, job: record.job)
            }
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "\(path): error: cannot read the simulator state (\(error)); fix or remove the file to start afresh")
        }
    }

    /// Writes `sims` to a temporary file, flushes it to disk and renames it over `path`,
    /// so a crash leaves either the old state or the new one, never half of one.
    public static func write(_ sims: [SimulatedSIM], to path: String) throws {
        var writer = JSONWriter(reservingCapacity: 256 * sims.count + 64)
        writer.objectStart()
        writer.field("formatVersion", 1)
        writer.key("sims")
        writer.arrayStart()
        for sim in sims { writer.value(sim) }
        writer.arrayEnd()
        writer.objectEnd()
        writer.newline()
        try AtomicFile.write(writer.bytes, to: path)
    }
}

extension JSONWriter {
    /// A SIM record as the state file, seeds and `/_simulator/sims` share it.
    mutating func value(_ sim: SimulatedSIM) {
        objectStart()
        field("icc", sim.icc)
        statusFields(sim.live)
        if let job = sim.job {
            key("job")
            objectStart()
            field("id", job.id)
            field("action", job.action.rawValue)
            field("from", job.from)
            field("to", job.to)
            field("finishesAt", Timestamp.iso8601(job.finishesAt))
            field("fails", job.fails)
            field("callbackUrl", job.callbackURL)
            objectEnd()
        }
        objectEnd()
    }

    /// The fields of a status answer, into the object being written.
    mutating func statusFields(_ status: StatusResponse) {
        field("status", status.status)
        key("tags")
        arrayStart()
        for tag in status.tags { value(tag) }
        arrayEnd()
        field("countryCode", status.countryCode)
        field("msisdn", status.msisdn)
        key("product")
        value(status.product)
        key("pool")
        value(status.pool)
    }

    mutating func value(_ ref: NamedRef?) {
        guard let ref else { return valueNull() }
        objectStart()
        field("id", ref.id)
        field("name", ref.name)
        objectEnd()
    }
}
