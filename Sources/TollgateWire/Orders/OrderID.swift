/// A seller's order id: 1 to 64 characters of `A-Z a-z 0-9 . _ : -`, so it fits a CSV cell, a
/// URL and a log line unquoted.
public enum OrderID {
    public static let maxLength = 64

    /// Why `text` is no order id, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        guard !text.isEmpty else { return "an order id is 1 to \(maxLength) characters, got an empty one" }
        guard text.utf8.count <= maxLength else { return "order id '\(text.prefix(20))…' has \(text.utf8.count) characters; at most \(maxLength)" }
        guard let bad = text.unicodeScalars.first(where: { !allowed($0) }) else { return nil }
        return "order id '\(text)' holds '\(bad)'; an order id uses only A-Z, a-z, 0-9 and . _ : -"
    }

    private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", ":", "-": true
        default: false
        }
    }
}
