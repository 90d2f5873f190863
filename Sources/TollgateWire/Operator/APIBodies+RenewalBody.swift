import TollgateCertificates

extension APIBodies {
    public struct RenewalBody: Codable, Sendable {
        public var exp: Int64
        public var price: Price?

        public init(exp: Int64, price: Price?) {
            self.exp = exp
            self.price = price
        }
    }
}
