/// Amounts of money as people read and type them: with the currency's decimals (`49.00` euros,
/// `500` yen, `1.250` dinars), while prices in signed objects and on the wire stay whole numbers
/// of minor units.
public enum CurrencyAmount {
    /// ISO 4217 currencies whose minor unit is not a hundredth; every other code has 2 decimals.
    private static let exceptions: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "CLF": 4, "UYW": 4,
    ]

    /// How many decimals the currency's minor unit has (2 for EUR, 0 for JPY).
    public static func decimals(_ currency: String) -> Int { exceptions[currency] ?? 2 }

    /// `4900` EUR → `49.00`; `500` JPY → `500`; `-5` EUR → `-0.05`.
    public static func text(minorUnits amount: Int64, currency: String) -> String {
        let decimals = decimals(currency)
        guard decimals > 0 else { return String(amount) }
        let digits = String(amount.magnitude)
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        return (amount < 0 ? "-" : "") + padded.dropLast(decimals) + "." + padded.suffix(decimals)
    }

    /// `49.00`, `49.5` EUR → 4900, 4950; `500` JPY → 500. Nil for text that is not a non-negative
    /// decimal with at most the currency's decimals, or that overflows; a whole number for a
    /// currency with decimals must say so with a decimal point (`49.00`), since `4900` once meant
    /// minor units here and a silent change of a hundredfold is worse than a refusal.
    public static func minorUnits(_ text: String, currency: String) -> Int64? {
        let decimals = decimals(currency)
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        if decimals > 0 && parts.count != 2 { return nil }
        guard fraction.count <= decimals, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber),
              parts.count == 1 || !fraction.isEmpty else { return nil }
        let digits = whole + fraction + String(repeating: "0", count: decimals - fraction.count)
        return Int64(digits)
    }
}
