import Foundation

/// A git repository in a temporary folder, driven by the `git` program without a shell,
/// isolated from the user's git configuration.
public struct GitRepository: Sendable {
    public let root: URL

    /// What every git call here, and a simfleet run against the repository, should inherit.
    public static let environment = [
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "simfleet tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "simfleet tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    ]

    /// `git init` in `root`, on a branch named main.
    public init(at root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try run(["init", "-q", "-b", "main"])
    }

    /// A clone-like folder: the example manifests, and `files` (such as simfleet.yaml),
    /// committed with `message`, as a squash merge would be.
    public static func withExamples(at root: URL, files: [String: String] = [:], message: String = "Declare the example fleet (#5)") throws -> GitRepository {
        let repo = try GitRepository(at: root)
        let examples = Golden.scratchWithExamples()
        defer { try? FileManager.default.removeItem(at: examples) }
        try FileManager.default.copyItem(at: examples.appendingPathComponent("manifests"), to: root.appendingPathComponent("manifests"))
        for (path, text) in files { try repo.write(path, text) }
        try repo.commit(message)
        return repo
    }

    /// An existing clone.
    public init(existing root: URL) { self.root = root }

    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw GitFailure(description: "git \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func commit(_ message: String) throws {
        try run(["add", "-A"])
        try run(["commit", "-q", "--no-gpg-sign", "-m", message])
    }

    /// Back to the last commit, with files the tests wrote removed.
    public func reset() throws {
        try run(["reset", "-q", "--hard"])
        try run(["clean", "-q", "-f", "-d"])
    }
}

public struct GitFailure: Error, CustomStringConvertible {
    public var description: String
}
