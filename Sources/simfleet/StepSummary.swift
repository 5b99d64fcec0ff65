import ArgumentParser
import FleetModel
import Foundation
import SystemPackage
import Views

/// GitHub Actions' job summary: when `GITHUB_STEP_SUMMARY` names a file, plan and apply
/// append their full markdown to it, within the 1 MiB GitHub shows for a step.
struct StepSummaryOptions: ParsableArguments {
    @Flag(help: "Do not append the markdown to the file GITHUB_STEP_SUMMARY names.")
    var noStepSummary = false

    /// Whether a run would append to the step summary.
    var isRequested: Bool {
        let path = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"] ?? ""
        return !noStepSummary && !path.isEmpty
    }

    /// Appends what `render` gives for the room left (in bytes). A file that cannot be
    /// written is a warning: the run's outcome does not depend on it.
    func append(environment: [String: String] = ProcessInfo.processInfo.environment, _ render: (Int) -> String) {
        guard !noStepSummary, let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        func warn(_ problem: String) {
            Output.error("warning: not added to the step summary \(TerminalText.escape(path)): \(problem) (GITHUB_STEP_SUMMARY; --no-step-summary turns this off)")
        }
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.append, .create, .noFollow, .nonBlocking, .closeOnExec],
                                                 permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            return warn("\(error)")
        }
        defer { try? descriptor.close() }
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return warn("it is not a regular file") }
        let room = Self.limit - Int(info.st_size)
        guard room > 1024 else { return warn("the summary is full (GitHub shows 1 MiB a step)") }
        let bytes = Array(("\n" + render(room - 1)).utf8)
        guard bytes.count <= room else { return warn("the markdown is larger than the \(room) bytes left") }
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            warn("\(error)")
        }
    }

    static let limit = 1 << 20
}
