import TollgateCertificates

extension APIBodies {
    /// A renewal: its new end (`exp`, or `days` from the time of renewal) and price; with an
    /// `order`, a renewal whose order is already recorded returns that renewal and renews nothing.
    public struct RenewalBody: Codable, Sendable, Hashable {
        public var exp: Int64?
        public var days: Int64?
        public var price: Price?
        public var order: String?

        public init(exp: Int64?, price: Price?, days: Int64? = nil, order: String? = nil) {
            self.exp = exp
            self.price = price
            self.days = days
            self.order = order
        }
    }
}
