/// A fast path for the request bodies clients actually send: one JSON object whose
/// values are all strings without escapes, or null. Anything else returns nil and is
/// left to JSONDecoder, which also words the errors, so the two never disagree on
/// what is valid.
extension SimulatedAPI.ActionBody {
    init?(flat bytes: some Collection<UInt8>) {
        var icc: String?
        var callbackURL: String?
        var index = bytes.startIndex

        func skipSpace() {
            while index != bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index = bytes.index(after: index) }
        }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index != bytes.endIndex, bytes[index] == byte else { return false }
            index = bytes.index(after: index)
            return true
        }
        /// A string with no escapes or control characters; nil otherwise.
        func plainString() -> String? {
            guard expect(0x22) else { return nil }
            let start = index
            while index != bytes.endIndex {
                let byte = bytes[index]
                if byte == 0x22 {
                    let text = String(decoding: bytes[start..<index], as: UTF8.self)
                    index = bytes.index(after: index)
                    return text
                }
                if byte == 0x5C || byte < 0x20 { return nil }
                index = bytes.index(after: index)
            }
            return nil
        }
        func null() -> Bool {
            skipSpace()
            let word: [UInt8] = Array("null".utf8)
            guard bytes[index...].starts(with: word) else { return false }
            index = bytes.index(index, offsetBy: 4)
            return true
        }

        guard expect(0x7B) else { return nil }
        if !expect(0x7D) {
            repeat {
                guard let key = plainString(), expect(0x3A) else { return nil }
                let value: String?
                if let text = plainString() { value = text } else if null() { value = nil } else { return nil }
                switch key {
                case "icc": guard value != nil, icc == nil else { return nil }; icc = value
                case "callbackUrl": callbackURL = value
                default: break
                }
            } while expect(0x2C)
            guard expect(0x7D) else { return nil }
        }
        skipSpace()
        guard index == bytes.endIndex, let icc else { return nil }
        self.init(icc: icc, callbackUrl: callbackURL)
    }
}
