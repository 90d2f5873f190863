/// A price per seat in minor units of an ISO 4217 currency.
public struct Price: Codable, Hashable, CustomStringConvertible {
    public var currency: String
    public var amount: Int64

    public init(currency: String, amount: Int64) {
        self.currency = currency
        self.amount = amount
    }

    /// `EUR 49.00`: the amount with the currency's decimals (``CurrencyAmount``), as messages show it.
    public var description: String { "\(currency) \(CurrencyAmount.text(minorUnits: amount, currency: currency))" }
}

extension Price: Sendable {}
