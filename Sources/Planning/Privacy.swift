/// Personal data kept out of every output.
public enum Privacy {
    /// Phone numbers show only their last four digits: `•••••5678`.
    public static func maskMSISDN(_ text: String) -> String {
        let tail = text.suffix(4)
        return String(repeating: "•", count: max(0, text.count - tail.count)) + tail
    }
}
