import FleetModel
import Foundation
import Manifests
import TestSupport
import Testing

@Suite struct ManifestLoaderTests {
    private func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func readsYAMLFilesRecursivelyInByteOrderAndSkipsHiddenOnes() async throws {
        try await withTemporaryDirectory { dir in
            try write("sims:\n  - {icc: \"89450100250731069812\", state: active}\n", to: dir.appendingPathComponent("b.yml"))
            try write("sims:\n  - {icc: \"89450100250731069754\", state: active}\n", to: dir.appendingPathComponent("a/z.yaml"))
            try write("sims:\n  - {icc: \"89450100250731069937\", state: active}\n", to: dir.appendingPathComponent("B.YAML"))
            try write("not: [yaml", to: dir.appendingPathComponent(".git/config.yaml"))
            try write("sims: 1", to: dir.appendingPathComponent(".hidden.yaml"))
            try write("ignored", to: dir.appendingPathComponent("README.md"))
            try write("statusMap: {active: [LIVE]}\n", to: dir.appendingPathComponent("simfleet.yaml"))
            let set = await ManifestLoader.load(paths: [dir.path])
            #expect(set.diagnostics.isEmpty)
            #expect(set.files.map { String($0.dropFirst(dir.path.count + 1)) } == ["B.YAML", "a/z.yaml", "b.yml"])
            #expect(set.sims.map(\.icc.digits) == ["89450100250731069937", "89450100250731069754", "89450100250731069812"])
        }
    }

    /// Checking without keeping the SIMs says what loading them says: the same problems,
    /// duplicates across files with the first declaration as their note, and the count.
    @Test func checkingWithoutTheSIMsSaysWhatLoadingSays() async throws {
        try await withTemporaryDirectory { dir in
            let (a, b, c) = (TestICC.number(1), TestICC.number(2), TestICC.number(3))
            try write("sims:\n  - {icc: \"\(a)\", state: active}\n  - {icc: \"\(b)\", state: blocked}\n", to: dir.appendingPathComponent("1.yaml"))
            try write("sims:\n  - icc: \"\(c)\"\n    state: active\n  - icc: \"\(a)\"\n    state: active\n  - icc: \"123\"\n    state: active\n",
                      to: dir.appendingPathComponent("2.yaml"))
            try write("sims:\n  - {icc: \"\(b)\", state: nowhere}\n  - {icc: \"\(c)\", state: active}\n", to: dir.appendingPathComponent("3.yaml"))
            let kept = await ManifestLoader.load(paths: [dir.path])
            let checked = await ManifestLoader.load(paths: [dir.path], keepingSIMs: false)
            #expect(checked.sims.isEmpty)
            #expect(kept.simCount == 3 && checked.simCount == 3)
            #expect(checked.diagnostics == kept.diagnostics)
            #expect(checked.diagnostics.filter { $0.code == .iccDuplicate }.count == 2)
            #expect(checked.diagnostics.contains { $0.code == .iccDuplicate && $0.notes.first?.location?.path.hasSuffix("1.yaml") == true })
            #expect(checked.files == kept.files)
        }
    }

    /// The same for random fleets: entries drawn from a small pool of ICCs across files (so
    /// most are declared two or three times, in every shard of the duplicate check), with
    /// labels good and bad, defaults, missing and unknown states, and protected terminations.
    @Test func checkingWithoutTheSIMsSaysWhatLoadingSaysForRandomFleets() async throws {
        var generator = SeededGenerator(seed: 0x5eed_cafe)
        func pick<T>(_ options: [T]) -> T { options[Int(generator.next() % UInt64(options.count))] }
        /// The first option three times in four: most entries are good, so most ICCs count.
        func mostly<T>(_ options: [T]) -> T { generator.next() % 4 == 0 ? pick(options) : options[0] }
        let labels = ["", ", labels: {depot: aarhus}", ", labels: {depot: a, depot: b}", ", labels: {depot: [x], depot: y}",
                      ", labels: {depot: ~}", ", labels: {[k]: v}", ", labels: 3", ", labels: {a: 1, b: '2', c: x}"]
        let states = [", state: active", ", state: blocked", ", state: terminated", ", state: nowhere", ""]
        for round in 0..<12 {
            try await withTemporaryDirectory { dir in
                for file in 0..<4 {
                    var text = pick(["", "defaults: {state: active}\n", "defaults: {labels: {fleet: f}, protect: true}\n"]) + "sims:\n"
                    for _ in 0..<40 {
                        let icc = mostly([TestICC.number(Int(generator.next() % 90)).digits, "123", "89450100250731069813"])
                        text += "  - {icc: \"\(icc)\"\(mostly(states))\(mostly(labels))\(mostly(["", ", protect: true", ", protect: maybe"]))}\n"
                    }
                    try write(text, to: dir.appendingPathComponent("\(file).yaml"))
                }
                let kept = await ManifestLoader.load(paths: [dir.path])
                let checked = await ManifestLoader.load(paths: [dir.path], keepingSIMs: false)
                #expect(checked.simCount == kept.simCount && kept.simCount == kept.sims.count, "round \(round)")
                #expect(checked.diagnostics == kept.diagnostics, "round \(round)")
                #expect(kept.diagnostics.filter { $0.code == .iccDuplicate }.count > 10, "round \(round): too few duplicates to prove anything")
            }
        }
    }

    /// Random path strings, as a person or a script might type them, near a small tree:
    /// the loader never traps, and a path it cannot use is a located error.
    @Test func anyPathStringIsLoadedOrRefusedWithoutTrapping() async throws {
        try await withTemporaryDirectory { dir in
            // `up` climbs out of the tree through a link; nothing else is above it but the tree.
            let root = dir.appendingPathComponent("root")
            try write("sims:\n  - {icc: \"89450100250731069812\", state: active}\n", to: root.appendingPathComponent("m/a.yaml"))
            try FileManager.default.createDirectory(at: root.appendingPathComponent("x"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("up").path, withDestinationPath: "..")
            var generator = SeededGenerator(seed: 0x9a7e_f00d)
            let pieces = ["/", "/", ".", "m", "x", "up", "a.yaml", " ", "é", "//", "m/"]
            for _ in 0..<300 {
                let count = Int(generator.next() % 6)
                let tail = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
                let path = root.path + "/" + tail
                let set = await ManifestLoader.load(paths: [path])
                #expect(set.isValid == set.diagnostics.isEmpty, "\(path.debugDescription)")
                #expect(set.sims.count <= 1, "\(path.debugDescription)")
            }
        }
    }

    @Test func missingPathIsAnError() async {
        let set = await ManifestLoader.load(paths: ["/nonexistent/manifests"])
        #expect(coded(set.diagnostics) == ["/nonexistent/manifests: error: SF-FILE-READ"])
    }

    @Test func pathWithoutSIMsIsAnError() async throws {
        try await withTemporaryDirectory { dir in
            try write("", to: dir.appendingPathComponent("empty.yaml"))
            try write("sims: []\n", to: dir.appendingPathComponent("none.yaml"))
            let set = await ManifestLoader.load(paths: [dir.path])
            #expect(coded(set.diagnostics) == ["\(dir.path): error: SF-NO-SIMS"])
        }
    }

    @Test func emptyFileBesideValidOnesIsFine() async throws {
        try await withTemporaryDirectory { dir in
            try write("", to: dir.appendingPathComponent("empty.yaml"))
            try write("sims:\n  - {icc: \"89450100250731069754\", state: active}\n", to: dir.appendingPathComponent("fleet.yaml"))
            let set = await ManifestLoader.load(paths: [dir.path])
            #expect(set.isValid)
            #expect(set.sims.count == 1)
        }
    }

    @Test func theSameFileNamedTwiceIsReadOnce() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("fleet.yaml")
            try write("sims:\n  - {icc: \"89450100250731069754\", state: active}\n", to: file)
            let set = await ManifestLoader.load(paths: [dir.path, file.path])
            #expect(set.diagnostics.isEmpty)
            #expect(set.sims.count == 1)
        }
    }

    #if os(Linux)
    @Test func unreadableFileIsReported() async throws {
        // Reading /proc/self/mem from offset 0 fails with EIO, even for root.
        let set = await ManifestLoader.load(paths: ["/proc/self/mem"])
        #expect(coded(set.diagnostics) == ["/proc/self/mem: error: SF-FILE-READ"])
        #expect(set.diagnostics.first?.message.contains("Input/output error") == true)
    }
    #endif
}
