import TollgateCertificates

extension APIBodies {
    public struct LicenseSummary: Codable, Sendable {
        public var hash: String
        public var customer: String
        public var country: String
        public var product: String
        public var model: String
        public var seats: SerialRange
        public var iat: Int64
        public var exp: Int64?
        public var renews: String?
        public var license: String

        public init(hash: String, customer: String, country: String, product: String, model: String, seats: SerialRange, iat: Int64, exp: Int64?, renews: String?, license: String) {
            self.hash = hash
            self.customer = customer
            self.country = country
            self.product = product
            self.model = model
            self.seats = seats
            self.iat = iat
            self.exp = exp
            self.renews = renews
            self.license = license
        }
    }
}
