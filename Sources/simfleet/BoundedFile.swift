import ArgumentParser
import FleetModel
import Foundation
import Planning
import Platform
import Views

/// A file a person gave, through the one reader, with its problem as a diagnostic.
enum BoundedFile {
    static func read(_ path: String, limit: Int, what: String) -> Result<[UInt8], Diagnostic> {
        RegularFile.read(path, limit: limit).mapError { problem in
            let location = SourceLocation(path: path)
            return switch problem {
            case .missing, .cannotOpen, .cannotRead: .error(.fileRead, at: location, "cannot read the \(what): \(problem)")
            case .notRegular(let kind): .error(.fileRead, at: location, "the \(what) is \(kind), not a regular file; name the file itself")
            case .tooLarge(let size, let limit): .error(.fileRead, at: location, "the \(what) is \(size) bytes, more than the \(limit) this simfleet reads")
            }
        }
    }
}

extension PlanFile {
    /// Reads and checks a plan file a person named, printing every problem and exiting 1.
    static func read(_ path: String) throws -> PlanFile {
        let bytes: [UInt8]
        switch BoundedFile.read(path, limit: maximumSize, what: "plan file") {
        case .success(let read): bytes = read
        case .failure(let diagnostic):
            Output.error(diagnostic.formatted)
            throw ExitCode.failure
        }
        switch decode(bytes, path: path) {
        case .success(let decoded): return decoded
        case .failure(let error):
            for diagnostic in error.diagnostics { Output.error(diagnostic.formatted) }
            throw ExitCode.failure
        }
    }
}
