@testable import GitHistory
import Testing

/// How a `git ls-tree -r -z -l` listing becomes the base's manifest files, by the loader's rules.
@Suite struct ManifestBaseTests {
    static func record(_ mode: String, _ type: String, _ size: String, _ path: String) -> [UInt8] {
        Array("\(mode) \(type) \(String(repeating: "a", count: 40))    \(size)\t".utf8) + Array(path.utf8) + [0]
    }

    @Test func entriesFollowTheLoadersRules() {
        var listing: [UInt8] = []
        let rows: [(String, String, String, String, Bool)] = [
            ("100644", "blob", "10", "manifests/a.yaml", true),
            ("100755", "blob", "10", "manifests/sub/b.yml", true),
            ("100644", "blob", "10", "manifests/readme.md", false),
            ("100644", "blob", "10", "manifests/.hidden/c.yaml", false),
            ("100644", "blob", "10", "manifests/simfleet.yaml", false),
            ("120000", "blob", "10", "manifests/link.yaml", false),
            ("160000", "commit", "-", "manifests/module.yaml", false),
            ("100644", "blob", "999", "manifests/huge.yaml", false),
            ("100644", "blob", "10", "other/x.yaml", false),
            ("100644", "blob", "10", "named.txt", true),
            ("100644", "blob", "10", "manifests/odd name\tтест.yaml", true),
        ]
        for row in rows { listing += Self.record(row.0, row.1, row.2, row.3) }
        listing += Array("100644 blob \(String(repeating: "b", count: 40)) 10\t".utf8) + [0x6d, 0xff, 0x2e, 0x79, 0x61, 0x6d, 0x6c, 0] // not UTF-8
        let entries = ManifestBase.manifestEntries(listing, roots: ["manifests", "named.txt"], limit: 100)
        #expect(entries.map(\.path) == rows.filter(\.4).map(\.3))
    }

    @Test(arguments: [
        ("manifests", "manifests"), ("./manifests/", "manifests"), ("a//b/./c", "a/b/c"),
        ("a/../b", "b"), ("../x/y", "../x/y"), (".", "."), ("/abs/./p", "/abs/p"),
    ])
    func pathsAreSpelledAsGitSpellsThem(_ given: String, _ expected: String) {
        #expect(ManifestBase.normalized(given) == expected)
    }

    /// `git log -z --raw --format=%x01%H %P%x02%s`, with merges, links, deletions and a
    /// subject holding odd characters; paths are spelled from the current folder.
    @Test func logRecordsBecomeCommitsAndChanges() {
        let (a, b, c, zero) = (String(repeating: "a", count: 40), String(repeating: "b", count: 40),
                               String(repeating: "c", count: 40), String(repeating: "0", count: 40))
        var log: [UInt8] = []
        func add(_ text: String) { log += Array(text.utf8) + [0] }
        add("\u{01}\(c) \(a) \(b)\u{02}Merge pull request #12 from x/y")
        add("\n:100644 100644 \(a) \(b) M")
        add("sub/manifests/a.yaml")
        add(":000000 120000 \(zero) \(c) A")
        add("sub/manifests/link.yaml")
        add("\n\u{01}\(b) \(a)\u{02}subject: with | odd \u{02} characters")
        add("\n:100644 000000 \(a) \(zero) D")
        add("other/b.yaml")
        let commits = ManifestBase.parseLog(log, prefix: "sub/")
        #expect(commits.map(\.id) == [c, b])
        #expect(commits[0].parents == [a, b])
        #expect(commits[0].subject == "Merge pull request #12 from x/y")
        #expect(commits[0].changes == [.init(path: "manifests/a.yaml", old: a, new: b), .init(path: "manifests/link.yaml", old: nil, new: nil)])
        #expect(commits[1].subject == "subject: with | odd \u{02} characters")
        #expect(commits[1].changes == [.init(path: "../other/b.yaml", old: a, new: nil)])
    }
}
