extension Duration {
    /// Parses `250ms`, `2s`, `1.5s`, `1m` or a bare number of seconds.
    public init?(parsing text: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        var number = Substring(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        var scale = 1.0
        for (suffix, factor) in units where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value >= 0, value.isFinite, value * scale < 1e9 else { return nil }
        self = .nanoseconds(Int64((value * scale * 1e9).rounded()))
    }

    /// The duration in seconds, as a `Double`.
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
