import Foundation
import Platform
import TestSupport
import Testing

/// Paths as people type them, taken apart without Foundation's `NSString` methods, which
/// trapped on `.` and one-letter folders.
@Suite struct PathNameTests {
    static let parents: [(String, String)] = [
        (".", "."), ("..", "."), ("m", "."), ("m/", "."), ("./m", "."), ("../m", ".."), ("a/b/c", "a/b"),
        ("a//b", "a"), ("a/b//", "a"), ("/", "/"), ("//", "/"), ("/x", "/"), ("/x/", "/"), ("/a/b", "/a"),
        ("", "."), ("my fleet/trucks.yaml", "my fleet"), ("flåde/ü.yaml", "flåde"), ("x/.", "x"),
    ]

    @Test(arguments: parents) func parentIsWhatDirnameSays(_ path: String, _ parent: String) {
        #expect(PathName.parent(of: path) == parent)
    }

    static let names: [(String, String)] = [
        (".", "."), ("m", "m"), ("m/", "m"), ("a/b.yaml", "b.yaml"), ("/", "/"), ("", ""), ("a//b//", "b"), ("../m", "m"),
    ]

    @Test(arguments: names) func lastComponentIsWhatBasenameSays(_ path: String, _ name: String) {
        #expect(PathName.lastComponent(of: path) == name)
    }

    static let extensions: [(String, String?)] = [
        ("a.yaml", "yaml"), ("a.YML", "YML"), (".yaml", nil), ("a.", nil), ("a", nil), ("dir.d/a", nil), ("a.b.yaml", "yaml"), ("m/.hidden.yml", "yml"),
    ]

    @Test(arguments: extensions) func extensionFollowsTheLastDot(_ path: String, _ ext: String?) {
        #expect(PathName.fileExtension(of: path) == ext)
    }

    @Test func joinPutsOneSlashBetween() {
        #expect(PathName.join("a", "b") == "a/b")
        #expect(PathName.join("a/", "b") == "a/b")
        #expect(PathName.join(".", "b") == "b")
        #expect(PathName.join("", "b") == "b")
        #expect(PathName.join("a", "/abs") == "/abs")
        #expect(PathName.join("/", "b") == "/b")
    }

    @Test func insideComparesWholeNames() {
        #expect(PathName.isInside("/a/b/c", "/a/b"))
        #expect(PathName.isInside("/a/b", "/a/b"))
        #expect(!PathName.isInside("/a/bc", "/a/b"))
        #expect(PathName.isInside("/anything", "/"))
        #expect(PathName.relative("/a/b/c", to: "/a/b/") == "c")
        #expect(PathName.relative("/a/b", to: "/a/b") == ".")
        #expect(PathName.relative("/a/bc", to: "/a/b") == nil)
        #expect(PathName.relative("/x", to: "/") == "x")
    }

    /// Any string at all, from a few random alphabets heavy in slashes and dots: nothing
    /// traps, the parent never ends in a slash unless it is `/`, and parent and last name
    /// put back together name the same place.
    @Test func anyStringIsTakenApartWithoutTrapping() {
        var generator = SeededGenerator(seed: 0x5eed_9a7e)
        let alphabet: [String] = ["/", "/", ".", ".", "a", "m", " ", "é", "\u{0}", "\n", "ü"]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 9)
            let path = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined()
            let parent = PathName.parent(of: path)
            let name = PathName.lastComponent(of: path)
            #expect(!parent.isEmpty)
            #expect(parent == "/" || !parent.hasSuffix("/"), "parent of \(path.debugDescription) is \(parent.debugDescription)")
            _ = PathName.fileExtension(of: path)
            if !path.isEmpty, name != "/", path.utf8.contains(UInt8(ascii: "/")) {
                let trimmed = String(decoding: Array(path.utf8).reversed().drop { $0 == UInt8(ascii: "/") }.reversed(), as: UTF8.self)
                let rejoined = PathName.join(parent, name)
                #expect(rejoined.split(separator: "/", omittingEmptySubsequences: true) == trimmed.split(separator: "/", omittingEmptySubsequences: true)
                        || parent == ".", "\(path.debugDescription): \(parent.debugDescription) + \(name.debugDescription)")
            }
        }
    }
}

