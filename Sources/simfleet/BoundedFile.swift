import ArgumentParser
import FleetModel
import Foundation
import Planning

/// Reads a file a person gave, refusing what is not a regular file or is too large, so a
/// FIFO cannot hang simfleet and `/dev/zero` cannot fill its memory.
enum BoundedFile {
    static func read(_ path: String, limit: Int, what: String) -> Result<[UInt8], Diagnostic> {
        let location = SourceLocation(path: path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(.error(at: location, "cannot read the \(what) (\(String(cString: strerror(errno)))); check the path"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(.error(at: location, "the \(what) is not a regular file; name the file itself"))
        }
        guard info.st_size <= limit else {
            return .failure(.error(at: location, "the \(what) is \(info.st_size) bytes, more than the \(limit) this simfleet reads"))
        }
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: limit + 1) ?? Data()
        else {
            return .failure(.error(at: location, "cannot read the \(what); check its permissions"))
        }
        try? handle.close()
        guard data.count <= limit else {
            return .failure(.error(at: location, "the \(what) grew past \(limit) bytes while being read"))
        }
        return .success(Array(data))
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
