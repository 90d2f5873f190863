/// The billing period of a metered license: the calendar month in UTC, written `2026-12`.
public enum MonthPeriod {
    /// The month holding Unix time `seconds`.
    public static func of(_ seconds: Int64) -> String {
        String(TimeText.iso(seconds).prefix(7))
    }

    /// Whether `text` is a month as ``of(_:)`` writes it (`YYYY-MM`, month 01 to 12).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || ($0.element >= UInt8(ascii: "0") && $0.element <= UInt8(ascii: "9")) }),
              let month = Int(text.suffix(2)) else { return false }
        return (1...12).contains(month)
    }
}
