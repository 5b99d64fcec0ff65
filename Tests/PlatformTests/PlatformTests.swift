import Foundation
import Platform
import TestSupport
import Testing

@Suite struct AtomicFileTests {
    @Test func replacesTheContentsAndLeavesNoTemporaryFile() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("plan.json").path
            try AtomicFile.write(Array("first".utf8), to: path)
            try AtomicFile.write(Array("second".utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["plan.json"])
        }
    }

    /// A symlink planted where a predictable temporary name would be is never followed.
    @Test func aPlantedSymlinkIsNeverFollowed() async throws {
        try await withTemporaryDirectory { dir in
            let victim = dir.appendingPathComponent("victim.txt").path
            try "untouched".write(toFile: victim, atomically: false, encoding: .utf8)
            let path = dir.appendingPathComponent("plan.json").path
            try FileManager.default.createSymbolicLink(atPath: "\(path).tmp-\(getpid())", withDestinationPath: victim)
            try AtomicFile.write(Array("plan".utf8), to: path)
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "untouched")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "plan")
        }
    }
}

@Suite struct DurationParsingTests {
    @Test(arguments: [("250ms", 0.25), ("2s", 2), ("1.5s", 1.5), ("1m", 60), ("3", 3), (" 10m ", 600)])
    func parses(text: String, seconds: Double) {
        #expect(Duration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "fast", "-1s", "1h", "inf", "nan", "1e300s", "99999999999999m"])
    func refusesWithoutCrashing(text: String) {
        #expect(Duration(parsing: text) == nil)
    }
}

@Suite struct LoopbackTests {
    @Test(arguments: [("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LOCALHOST", true), ("::1", true),
                      ("[::1]", true), ("128.0.0.1", false), ("127.0.0", false), ("127.0.0.256", false),
                      ("localhost.evil.example", false), ("10.0.0.1", false)])
    func knowsThisMachine(host: String, loopback: Bool) {
        #expect(Loopback.contains(host: host) == loopback)
    }
}

@Suite struct TimestampTests {
    @Test func writesUTCWithMillisecondsAndReadsItBack() {
        let date = Date(timeIntervalSince1970: 1_800_000_000.5)
        #expect(Timestamp.iso8601(date) == "2027-01-15T08:00:00.500Z")
        #expect(Timestamp.parse(Timestamp.iso8601(date)) == date)
        #expect(Timestamp.fileName(date) == "2027-01-15T080000.500")
    }
}

@Suite struct TextFileTests {
    @Test(arguments: [("a\nb", ["a", "b"]), ("a\r\nb\r\n", ["a", "b", ""]), ("one", ["one"]), ("x\r\n\r\ny", ["x", "", "y"]), ("lone\rcr", ["lone\rcr"])])
    func linesSplitAtLFWithoutTrailingCR(text: String, lines: [String]) {
        #expect(TextFile.lines(text).map(String.init) == lines)
    }

    @Test func readsAPipeDropsTheBOMAndRefusesOtherEncodingsAndDevices() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data([0xEF, 0xBB, 0xBF] + Array("x\r\n".utf8)))
        try pipe.fileHandleForWriting.close()
        #expect(try TextFile.read("/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)", limit: 100).get() == "x\r\n")
        #expect(throws: TextFile.Problem.self) { try TextFile.read("/dev/zero", limit: 100).get() }
        #expect(throws: TextFile.Problem.self) { try TextFile.read("/tmp", limit: 100).get() }
    }
}

/// The one reader every file goes through.
@Suite struct RegularFileTests {
    @Test func readsRegularFilesToTheBoundAndRefusesEverythingElse() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("a.yaml").path
            try Data("hello".utf8).write(to: URL(fileURLWithPath: file))
            #expect(RegularFile.read(file, limit: 5) == .success(Array("hello".utf8)))
            #expect(RegularFile.read(file, limit: 4) == .failure(.tooLarge(size: 5, limit: 4)))
            #expect(RegularFile.read(dir.appendingPathComponent("none").path, limit: 5) == .failure(.missing))
            #expect(RegularFile.read(dir.path, limit: 5) == .failure(.notRegular("a folder")))
            #expect(RegularFile.read("/dev/zero", limit: 5) == .failure(.notRegular("a character device")))
            // A FIFO with no writer is refused at once, never waited on.
            let fifo = dir.appendingPathComponent("fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            #expect(RegularFile.read(fifo, limit: 5) == .failure(.notRegular("a pipe (FIFO)")))
        }
    }

    /// A key file may be a pipe (`<(vault read ...)`): read to its end, within the bound.
    @Test func aPipeIsReadWhenTheCallerAcceptsOne() throws {
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(String(repeating: "k", count: 10_000).utf8))
        try pipe.fileHandleForWriting.close()
        let path = "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)"
        #expect((try? RegularFile.read(path, limit: 20_000, acceptingPipes: true).get())?.count == 10_000)
        let small = Pipe()
        small.fileHandleForWriting.write(Data(String(repeating: "k", count: 10_000).utf8))
        try small.fileHandleForWriting.close()
        #expect(RegularFile.read("/dev/fd/\(small.fileHandleForReading.fileDescriptor)", limit: 100, acceptingPipes: true) == .failure(.tooLarge(size: 101, limit: 100)))
    }
}
