import FleetModel
import Foundation
import Planning
import Platform
import Views

/// A file a person gave, through the one reader, with its problem as a diagnostic.
public enum BoundedFile {
    public static func read(_ path: String, limit: Int, what: String) -> Result<[UInt8], Diagnostic> {
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
    /// Reads and checks a plan file a person named: the plan, or every problem in it.
    public static func read(_ path: String) -> Result<PlanFile, PlanFileError> {
        switch BoundedFile.read(path, limit: maximumSize, what: "plan file") {
        case .success(let bytes): decode(bytes, path: path)
        case .failure(let diagnostic): .failure(PlanFileError([diagnostic]))
        }
    }
}
