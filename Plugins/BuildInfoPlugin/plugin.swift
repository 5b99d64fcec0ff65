import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the simfleet executable: the commit it is built from, so
/// `simfleet --version` names it. Regenerated when HEAD, or the ref HEAD names, moves.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo.swift")
        let git = context.package.directoryURL.appending(path: ".git")
        var inputs: [URL] = []
        let head = git.appending(path: "HEAD")
        if FileManager.default.fileExists(atPath: head.path) {
            inputs.append(head)
            if let text = try? String(contentsOf: head, encoding: .utf8), text.hasPrefix("ref: ") {
                let ref = git.appending(path: text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
                if FileManager.default.fileExists(atPath: ref.path) { inputs.append(ref) }
            }
            let packed = git.appending(path: "packed-refs")
            if FileManager.default.fileExists(atPath: packed.path) { inputs.append(packed) }
        }
        return [
            .buildCommand(
                displayName: "Recording the commit simfleet is built from",
                executable: try context.tool(named: "BuildInfoTool").url,
                arguments: [context.package.directoryURL.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
