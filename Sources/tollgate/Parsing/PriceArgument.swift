import TollgateCertificates
import TollgateCommandLine

/// A price as typed: `EUR:49.00`, the amount with the currency's decimals (`JPY:500` for one without),
/// or explicitly in minor units, `EUR:4900minor`. A bare `EUR:4900` is refused: it meant minor units
/// before, and reading it as 4900 euros now would change a price a hundredfold without a word.
enum PriceArgument {
    static let minorSuffix = "minor"
    static let example = "EUR:49.00"

    static func parse(_ text: String) throws(ValidationError) -> Price {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw ValidationError("'\(text)' is not CUR:AMOUNT with an ISO 4217 currency code, e.g. \(example)")
        }
        let currency = String(parts[0]), amount = String(parts[1])
        if amount.hasSuffix(minorSuffix) {
            guard let minor = Int64(amount.dropLast(minorSuffix.count)), minor >= 0 else {
                throw ValidationError("'\(text)' is not CUR:<minor units>\(minorSuffix), e.g. EUR:4900\(minorSuffix)")
            }
            return Price(currency: currency, amount: minor)
        }
        if let minor = CurrencyAmount.minorUnits(amount, currency: currency) { return Price(currency: currency, amount: minor) }
        // Zero reads the same in whole and minor units: a free trial is `EUR:0`.
        if amount == "0" { return Price(currency: currency, amount: 0) }
        let decimals = CurrencyAmount.decimals(currency)
        if let whole = Int64(amount), whole >= 0, decimals > 0 {
            let asMinor = Price(currency: currency, amount: whole)
            throw ValidationError("'\(text)' has no decimal point: write \(currency):\(amount).\(String(repeating: "0", count: decimals)) "
                                  + "for \(currency) \(amount), or \(currency):\(amount)\(minorSuffix) for \(asMinor)")
        }
        throw ValidationError("'\(text)' is not an amount of \(currency) with at most \(decimals) decimals, e.g. \(currency):"
                              + CurrencyAmount.text(minorUnits: 4_900, currency: currency))
    }
}
