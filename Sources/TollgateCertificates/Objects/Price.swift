/// A price per seat in minor units of an ISO 4217 currency.
public struct Price: Codable, Hashable, CustomStringConvertible {
    public var currency: String
    public var amount: Int64

    public init(currency: String, amount: Int64) {
        self.currency = currency
        self.amount = amount
    }

    /// Parses `CUR:AMOUNT`, e.g. `EUR:4900`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let amount = Int64(parts[1]) else { return nil }
        self.init(currency: String(parts[0]), amount: amount)
    }

    public var description: String { "\(currency) \(amount)" }
}

extension Price: Sendable {}
