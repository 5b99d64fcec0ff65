/// An Integrated Circuit Card identifier: the number printed on a SIM card.
///
/// A valid ICC has 18 to 20 decimal digits and ends in a Luhn check digit. The
/// value is kept exactly as written, digit for digit, never as a number.
public struct ICC: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Packed, not a String: 100,000 ICCs stay out of the heap and hash as two words.
    // `high` holds the digits before the last ten, `low` the last ten, `count` how many
    // digits there are, so leading zeros survive.
    private let high: UInt64
    private let low: UInt64
    private let count: UInt8

    public static let lengths = 18...20

    /// Creates an ICC from digits that have already passed `validate`.
    public init(unchecked digits: String) {
        var text = digits
        // Over the contiguous bytes: a million ICCs are read per validate of a large fleet.
        (high, low, count) = text.withUTF8 { bytes in
            var high: UInt64 = 0, low: UInt64 = 0
            let split = bytes.count - 10
            for index in bytes.indices {
                let digit = UInt64(bytes[index] &- 0x30)
                if index < split { high = high &* 10 &+ digit } else { low = low &* 10 &+ digit }
            }
            return (high, low, UInt8(truncatingIfNeeded: bytes.count))
        }
    }

    /// Creates an ICC if `text` is valid, else nil.
    public init?(_ text: String) {
        guard ICC.validate(text) == nil else { return nil }
        self.init(unchecked: text)
    }

    /// The ICC exactly as written on the card.
    public var digits: String {
        var bytes: [UInt8] = []
        appendDigits(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { digits }

    /// Appends the ASCII digits to `bytes`, without making a String.
    public func appendDigits(to bytes: inout [UInt8]) {
        func append(_ value: UInt64, width: Int) {
            var value = value
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
            var position = start + width - 1
            while value > 0 {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                position -= 1
            }
        }
        append(high, width: Int(count) - 10)
        append(low, width: 10)
    }

    /// A 64-bit hash under a secret `seed`, for tables of a million ICCs where the
    /// standard library's SipHash costs more than the lookups (`ICCIndex`).
    public func hash(seed: UInt64) -> UInt64 {
        func mix(_ value: UInt64) -> UInt64 {
            // splitmix64's finalizer: every input bit reaches every output bit.
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return mix(mix(high ^ seed) ^ low ^ (UInt64(count) << 56))
    }

    public static func < (a: ICC, b: ICC) -> Bool {
        // Numeric order for equal lengths, shorter first otherwise; deterministic either way.
        (a.count, a.high, a.low) < (b.count, b.high, b.low)
    }

    /// Why `text` is not a valid ICC, or nil when it is.
    public enum Problem: Equatable, Sendable {
        case notDigits(offending: Character, position: Int)
        case wrongLength(Int)
        case wrongCheckDigit(expected: Int, found: Int)
    }

    public static func validate(_ text: String) -> Problem? {
        // One pass from the end: checks the digits and sums the Luhn payload together.
        var count = 0, sum = 0, last = -1
        var contiguous = text
        let allDigits = contiguous.withUTF8 { bytes -> Bool in
            for byte in bytes.reversed() {
                guard byte >= 0x30 && byte <= 0x39 else { return false }
                let digit = Int(byte &- 0x30)
                if count == 0 {
                    last = digit
                } else if count & 1 == 1 {
                    sum += digit > 4 ? digit * 2 - 9 : digit * 2
                } else {
                    sum += digit
                }
                count += 1
            }
            return true
        }
        guard allDigits else {
            for (offset, character) in text.enumerated() where !("0"..."9").contains(character) {
                return .notDigits(offending: character, position: offset + 1)
            }
            return .notDigits(offending: "?", position: 1)
        }
        guard lengths.contains(count) else { return .wrongLength(count) }
        let expected = (10 - sum % 10) % 10
        return expected == last ? nil : .wrongCheckDigit(expected: expected, found: last)
    }

    /// The Luhn check digit for ASCII digits `payload`.
    public static func luhnCheckDigit<C: Collection<UInt8>>(payload: C) -> Int where C: BidirectionalCollection {
        var sum = 0
        var double = true
        for byte in payload.reversed() {
            var digit = Int(byte - 0x30)
            if double {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
            double.toggle()
        }
        return (10 - sum % 10) % 10
    }
}

extension ICC.Problem {
    /// What is wrong and what to do, for a diagnostic about the ICC written as `icc`.
    public func message(icc: String) -> String {
        switch self {
        case .notDigits(let character, let position):
            "ICC '\(Diagnostic.excerpt(icc))' must be digits only, but character \(position) is '\(character)'; remove spaces, dashes and letters"
        case .wrongLength(let count):
            "ICC '\(Diagnostic.excerpt(icc))' has \(count) digits, but an ICC has 18 to 20; check for a missing or extra digit"
        case .wrongCheckDigit(let expected, let found):
            "ICC '\(Diagnostic.excerpt(icc))' fails its Luhn check: the last digit should be \(expected), not \(found); look for transposed or mistyped digits"
        }
    }
}

extension ICC.Problem {
    public var code: DiagnosticCode {
        switch self {
        case .notDigits: .iccDigits
        case .wrongLength: .iccLength
        case .wrongCheckDigit: .iccCheckDigit
        }
    }

    /// The diagnostic for the ICC written as `icc` at `location`.
    public func diagnostic(icc: String, at location: SourceLocation) -> Diagnostic {
        .error(code, at: location, message(icc: icc))
    }
}
