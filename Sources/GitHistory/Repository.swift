import Foundation
import Platform

/// The git work tree simfleet reads history from, and the only way it runs git on it.
///
/// A pull request is data: it can add any file to the manifests, a bare repository with
/// a `config` that names a textconv command among them. So the repository is found once,
/// from the folder simfleet was started in, with `safe.bareRepository=explicit` (a bare
/// repository is never discovered), and must be a work tree whose top holds `.git`. Every
/// later command runs at that top with `--git-dir` and `--work-tree` named, so git never
/// looks for a repository in any other folder (and `GIT_CEILING_DIRECTORIES` stops it
/// climbing should it try). Each call also turns off what could run a program from the
/// repository's content or configuration: hooks, fsmonitor, and every filter, diff and
/// merge driver configured (a `.gitattributes` in the pull request can name any of them);
/// callers add `--no-textconv` and `--no-ext-diff` where git offers them. The child's
/// environment holds no credential (`ChildEnvironment`).
public struct Repository: Sendable {
    /// The top of the work tree, links resolved.
    public let top: String
    /// The git directory git reported for it.
    let gitDirectory: String
    /// Where the starting folder lies below the top, as `git rev-parse --show-prefix` says:
    /// "" at the top, else `sub/folder/`.
    public let prefix: String
    let git: Git
    /// `-c` overrides that come before every command.
    let hardening: [String]

    /// Settings that keep anything from the repository from running, for every call.
    static let fixedSettings = [
        "safe.bareRepository=explicit",
        "core.fsmonitor=false",
        "core.hooksPath=/dev/null",
        "log.showSignature=false",
        "core.attributesFile=/dev/null",
    ]

    /// Finds the work tree that holds `folder`, or says why there is none.
    public static func discover(from folder: String = FileManager.default.currentDirectoryPath,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws(GitError) -> Repository {
        let git = try Git(environment: environment)
        let settings = fixedSettings.flatMap { ["-c", $0] }
        let found = try git.run(settings + ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--show-prefix"], in: folder)
        // A bare repository (refused by safe.bareRepository), no repository, or git's refusal
        // of a folder owned by someone else: in each, no work tree to read.
        guard found.succeeded else { throw .notAWorkTree }
        let lines = String(decoding: found.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 2, !lines[0].isEmpty, !lines[1].isEmpty, let top = PathName.real(lines[0]) else { throw .notAWorkTree }
        let prefix = lines.count > 2 ? lines[2] : ""
        // The git directory must be the top's own `.git` (or what a `.git` file there names,
        // for a linked work tree): never one found anywhere else.
        let dotGit = PathName.join(top, ".git")
        var info = stat()
        guard lstat(dotGit, &info) == 0 else { throw .foreignRepository(top) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard PathName.real(dotGit) == PathName.real(lines[1]) else { throw .foreignRepository(top) }
        case S_IFREG:
            break
        default:
            throw .foreignRepository(top)
        }
        var repository = Repository(top: top, gitDirectory: lines[1], prefix: prefix, git: git, hardening: settings)
        repository = Repository(top: top, gitDirectory: lines[1], prefix: prefix, git: git,
                                hardening: settings + (try repository.driverOverrides()))
        return repository
    }

    /// Whether `folder` or a folder above it holds a `.git`, as any work tree's top does;
    /// found without starting git.
    static func mayHoldOne(_ folder: String) -> Bool {
        guard var current = PathName.real(folder) else { return false }
        while true {
            var info = stat()
            if lstat(PathName.join(current, ".git"), &info) == 0 { return true }
            let up = PathName.parent(of: current)
            if up == current { return false }
            current = up
        }
    }

    /// Runs `git ARGUMENTS` at the top of the work tree, hardened.
    func run(_ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
             outputLimit: Int = Git.defaultOutputLimit, expectedOutput: Int = 0) throws(GitError) -> Git.Output {
        try git.run(hardening + ["--git-dir=\(gitDirectory)", "--work-tree=\(top)"] + arguments, in: top, input: input,
                    fixedEnvironment: environment.merging(["GIT_CEILING_DIRECTORIES": PathName.parent(of: top)]) { $1 },
                    outputLimit: outputLimit, expectedOutput: expectedOutput)
    }

    /// `path` (as the user spells it, from the starting folder) relative to the top, if it
    /// lies inside the work tree. The folder holding it is resolved, as git would.
    public func relativePath(of path: String) -> String? {
        let folder = path.utf8.first == UInt8(ascii: "/") ? PathName.parent(of: path) : PathName.join(startingFolder, PathName.parent(of: path))
        guard let real = PathName.real(folder), let inside = PathName.relative(real, to: top) else { return nil }
        let name = PathName.lastComponent(of: path)
        return inside == "." ? name : PathName.join(inside, name)
    }

    /// The folder simfleet was started in, through the top.
    var startingFolder: String { prefix.isEmpty ? top : PathName.join(top, String(prefix.dropLast())) }

    /// A pathspec for `path` as the user spells it (relative to the starting folder, or
    /// absolute), for a command run at the top.
    func pathspec(_ path: String) -> String {
        if path.utf8.first == UInt8(ascii: "/") { return path }
        return ManifestBase.normalized(prefix + path)
    }

    /// `-c NAME=` for every filter, diff and merge driver command the configuration holds,
    /// and `required=false` for every filter: a `.gitattributes` can name any of them.
    private func driverOverrides() throws(GitError) -> [String] {
        let listed = try run(["config", "--null", "--name-only", "--get-regexp",
                              #"^(filter|diff|merge)\..+\.(clean|smudge|process|textconv|command|driver|required)$"#])
        // Exit 1: no such setting.
        guard listed.succeeded else { return [] }
        var overrides: [String] = []
        for name in listed.stdout.split(separator: 0).map({ String(decoding: $0, as: UTF8.self) }) {
            overrides += ["-c", name.hasSuffix(".required") ? name + "=false" : name + "="]
        }
        return overrides
    }
}

extension GitError {
    static func foreignRepository(_ top: String) -> GitError {
        GitError("git found a repository at \(top) whose top holds no .git folder of its own; simfleet reads history only from an ordinary clone, so run it from one")
    }
}
