import Foundation
import SystemPackage

/// Writes a script a test then runs (a fake git, a hook), opened close-on-exec: a file
/// opened for writing without it leaks into every process the test process starts
/// meanwhile, and running the script then fails with ETXTBSY while any of them lives.
public func writeExecutable(_ text: String, to url: URL) throws {
    let file = try FileDescriptor.open(FilePath(url.path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                                       permissions: [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute])
    try file.closeAfter { _ = try file.writeAll(Array(text.utf8)) }
}
