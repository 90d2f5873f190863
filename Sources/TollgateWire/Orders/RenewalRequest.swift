import TollgateCertificates

/// One renewal of a bulk renewal: the license by its id or a unique prefix, its new end (`exp`, or
/// `days` from the time of renewal), its price (default unchanged) and the seller's order id.
public struct RenewalRequest: Hashable, Sendable, Codable {
    public var order: String?
    public var license: String
    public var exp: Int64?
    public var days: Int64?
    public var price: Price?

    public init(order: String?, license: String, exp: Int64? = nil, days: Int64? = nil, price: Price? = nil) {
        self.order = order
        self.license = license
        self.exp = exp
        self.days = days
        self.price = price
    }
}
