import FleetModel
import Foundation
import Testing

/// One Codable description serves reading and writing: what JSONWriter writes from a
/// type, JSONDecoder reads back into the same value, in the same bytes every time.
@Suite struct JSONWriterEncodingTests {
    struct Inner: Codable, Equatable { var zeta: String; var alpha: Int? }
    struct Outer: Codable, Equatable {
        var name: String
        var count: Int
        var big: Int64
        var ratio: Double
        var flag: Bool
        var note: String?
        var labels: [String: String]
        var items: [Inner]
        var nested: [[Int]]
        var inner: Inner?
    }

    static let sample = Outer(name: "a \"quoted\" \n name", count: -3, big: 9_000_000_000, ratio: 12.5, flag: true, note: nil,
                              labels: ["zone": "eu", "app": "meters", "m": "x"], items: [Inner(zeta: "z", alpha: nil), Inner(zeta: "y", alpha: 7)],
                              nested: [[], [1, 2]], inner: nil)

    static func written(_ value: some Encodable) throws -> String {
        var writer = JSONWriter()
        try writer.value(encoding: value)
        return writer.string
    }

    @Test func keysInDeclarationOrderNilAsNullMapsSorted() throws {
        #expect(try Self.written(Self.sample) == #"{"name":"a \"quoted\" \n name","count":-3,"big":9000000000,"ratio":12.5,"flag":true,"note":null,"#
                + #""labels":{"app":"meters","m":"x","zone":"eu"},"items":[{"zeta":"z","alpha":null},{"zeta":"y","alpha":7}],"nested":[[],[1,2]],"inner":null}"#)
    }

    @Test func whatIsWrittenReadsBackTheSame() throws {
        let text = try Self.written(Self.sample)
        #expect(try JSONDecoder().decode(Outer.self, from: Data(text.utf8)) == Self.sample)
        #expect(JSONValue(parsing: Array(text.utf8)) != nil)
    }

    /// Hand-written conformances: nested containers, a single value, and a field left out.
    struct Custom: Encodable {
        enum Keys: String, CodingKey { case a, b, c, d }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var list = container.nestedUnkeyedContainer(forKey: .a)
            try list.encode("x")
            var object = list.nestedContainer(keyedBy: Keys.self)
            try object.encode(1, forKey: .b)
            try list.encodeNil()
            try container.encode(Wrapped(value: "w"), forKey: .c)
            var again = encoder.container(keyedBy: Keys.self)
            try again.encode(false, forKey: .d)
        }
    }
    struct Wrapped: Encodable {
        var value: String
        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            try single.encode(value)
        }
    }

    @Test func handWrittenConformancesNestAndClose() throws {
        #expect(try Self.written(Custom()) == #"{"a":["x",{"b":1},null],"c":"w","d":false}"#)
        #expect(try Self.written([Wrapped(value: "1"), Wrapped(value: "2")]) == #"["1","2"]"#)
    }

    struct Unordered: Encodable { var map: [String: Int] }
    struct Silent: Encodable { func encode(to encoder: any Encoder) throws {} }

    /// A dictionary other than [String: String] would come out in hash order, and a value
    /// that writes nothing would leave a key without a value: both are refused, named.
    @Test func refusesWhatCannotBeWrittenDeterministically() {
        #expect { try Self.written(Unordered(map: ["a": 1])) } throws: { "\($0)".contains("'map'") && "\($0)".contains("deterministic") }
        #expect { try Self.written([Silent()]) } throws: { "\($0)".contains("wrote no value") }
    }
}
