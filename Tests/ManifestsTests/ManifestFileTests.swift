import FleetModel
import Foundation
@testable import Manifests
import TestSupport
import Testing
import Views

/// What the loader does with files and folders that are not plain manifests: nothing is
/// read that is not a regular file of a bounded size, and nothing is left out silently.
@Suite struct ManifestFileTests {
    static let manifest = "sims:\n  - {icc: \"89450100250731069754\", state: active}\n"

    static func errors(_ set: ManifestSet) -> [String] { coded(set.diagnostics) }

    @Test func aFIFONamedLikeAManifestIsRefusedNotWaitedOn() async {
        await withTemporaryDirectory { dir in
            let fifo = dir.appendingPathComponent("x.yaml").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let set = await ManifestLoader.load(paths: [dir.path])
            #expect(Self.errors(set).contains("\(fifo): error: SF-FILE-READ"), "\(Self.errors(set))")
            #expect(set.diagnostics.first?.message.contains("pipe (FIFO)") == true)
        }
    }

    @Test func aLinkToADeviceIsRefusedUnread() async throws {
        try await withTemporaryDirectory { dir in
            let link = dir.appendingPathComponent("zero.yaml").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
            let set = await ManifestLoader.load(paths: [link], followExternalLinks: true)
            #expect(Self.errors(set) == ["\(link): error: SF-FILE-READ"])
            #expect(set.diagnostics.first?.message.hasPrefix("this is a character device, not a regular file") == true, "\(set.diagnostics)")
        }
    }

    /// A link committed into the manifests that leads outside the repository would let a
    /// pull request read the runner's files; it is an error unless explicitly allowed.
    @Test(arguments: ["file", "folder", "root"])
    func linksLeavingTheRepositoryAreRefused(_ kind: String) async throws {
        try await withTemporaryDirectory { dir in
            let repo = dir.appendingPathComponent("repo"), outside = dir.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: repo.appendingPathComponent(".git"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: repo.appendingPathComponent("manifests"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Self.manifest.replacingOccurrences(of: "89450100250731069754", with: "89450100250731069937")
                .write(to: outside.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
            try Self.manifest.write(to: repo.appendingPathComponent("manifests/own.yaml"), atomically: true, encoding: .utf8)
            let link: URL
            switch kind {
            case "file":
                link = repo.appendingPathComponent("manifests/stolen.yaml")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside.appendingPathComponent("secret.yaml"))
            case "folder":
                link = repo.appendingPathComponent("manifests/more")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
            default:
                link = repo.appendingPathComponent("linked")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
            }
            let root = kind == "root" ? link.path : repo.appendingPathComponent("manifests").path
            let set = await ManifestLoader.load(paths: [root])
            #expect(Self.errors(set).contains("\(link.path): error: SF-LINK-OUTSIDE"), "\(Self.errors(set))")
            #expect(!set.files.contains { $0.hasSuffix("secret.yaml") })
            let allowed = await ManifestLoader.load(paths: [root], followExternalLinks: true)
            #expect(allowed.diagnostics.isEmpty, "\(Self.errors(allowed))")
            #expect(allowed.sims.contains { $0.icc.digits == "89450100250731069937" })
            // A link that stays inside the repository is followed as before.
            try FileManager.default.removeItem(at: link)
            try FileManager.default.moveItem(at: outside, to: repo.appendingPathComponent("shared"))
            try FileManager.default.createSymbolicLink(at: repo.appendingPathComponent("manifests/shared"), withDestinationURL: repo.appendingPathComponent("shared"))
            let inside = await ManifestLoader.load(paths: [repo.appendingPathComponent("manifests").path])
            #expect(inside.diagnostics.isEmpty, "\(Self.errors(inside))")
            #expect(inside.sims.count == 2)
        }
    }

    @Test func aFileOverTheLimitIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("big.yaml").path
            try (Self.manifest + String(repeating: "# padding\n", count: 20_000)).write(toFile: path, atomically: true, encoding: .utf8)
            let set = await ManifestLoader.load(paths: [path], maximumFileSize: 100_000)
            #expect(Self.errors(set) == ["\(path): error: SF-FILE-READ"])
            #expect(set.diagnostics.first?.message.contains("(--max-manifest-size)") == true, "\(set.diagnostics)")
            #expect(await ManifestLoader.load(paths: [path]).isValid)
        }
    }

    @Test func nothingUnderAFolderIsLeftOutSilently() async throws {
        try await withTemporaryDirectory { dir in
            try Self.manifest.write(to: dir.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
            // A dangling link named like a manifest.
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("gone.yaml").path, withDestinationPath: dir.appendingPathComponent("nowhere.yaml").path)
            // A name that is not UTF-8.
            let latin1 = dir.path + "/caf\u{FFFD}.yaml"
            let raw = Array(dir.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".yaml".utf8) + [0]
            let descriptor = raw.withUnsafeBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { open($0, O_CREAT | O_WRONLY, 0o644) } }
            #expect(descriptor >= 0)
            close(descriptor)
            let set = await ManifestLoader.load(paths: [dir.path])
            let errors = Self.errors(set)
            #expect(errors.contains("\(dir.path)/gone.yaml: error: SF-FILE-READ"), "\(errors)")
            #expect(errors.contains("\(latin1): error: SF-NAME-NOT-UTF8"), "\(errors)")
            #expect(!set.isValid)
        }
    }

    /// Root can read any folder, so this runs only where permissions bite.
    @Test(.enabled(if: getuid() != 0)) func aFolderThatCannotBeListedSaysSo() async throws {
        try await withTemporaryDirectory { dir in
            let locked = dir.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
            chmod(locked.path, 0)
            defer { chmod(locked.path, 0o755) }
            let set = await ManifestLoader.load(paths: [locked.path])
            #expect(Self.errors(set) == ["\(locked.path): error: SF-FILE-READ"])
        }
    }
}

/// Inputs built to be slow or huge stay cheap: nesting is cut short, diagnostics are capped.
@Suite struct BoundedInputTests {
    @Test(arguments: [100_000, 1_000_000])
    func deepNestingStopsAtTheLimitWithALocatedError(depth: Int) {
        let text = "sims: " + String(repeating: "[", count: depth)
        // Reading stops after 64 levels, whatever the depth, instead of libyaml's quadratic
        // crawl (22 s for 100,000 levels, 98 s for 200,000 before).
        let set = ManifestLoader.load(sources: [ManifestSource(path: "deep.yaml", text: text)])
        #expect(coded(set.diagnostics) == ["deep.yaml:1:8: error: SF-MANIFEST-SHAPE", "deep.yaml:1:70: error: SF-YAML-DEPTH"])
    }

    @Test func diagnosticsAreCappedAndCounted() {
        let entries = (0..<3_000).map { _ in "  - {icc: '1', state: active}\n" }.joined()
        let set = ManifestLoader.load(sources: [ManifestSource(path: "many.yaml", text: "sims:\n" + entries)])
        #expect(set.diagnostics.count == Diagnostics.shownLimit)
        #expect(set.omittedDiagnostics == 2_000)
        #expect(set.errorCount == 3_000)
        let text = ValidateView.text(set)
        #expect(text.contains("... and 2000 more; fix these first and run again to see the rest\n"))
        #expect(text.hasSuffix("Invalid: 3,000 errors in 1 manifest file; fix them and run 'simfleet validate' again.\n"), "\(text.suffix(200))")
    }
}
