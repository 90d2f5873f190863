import TollgateCertificates

extension APIBodies {
    public struct HeldCertificateBody: Codable, Sendable {
        public var hash: String
        public var subject: String
        public var seats: SerialRange
        public var countries: [String]
        public var models: [String]
        public var depth: Int
        public var nbf: Int64
        public var exp: Int64
        public var chain: [String]

        public init(hash: String, subject: String, seats: SerialRange, countries: [String], models: [String], depth: Int,
                    nbf: Int64, exp: Int64, chain: [String]) {
            self.hash = hash
            self.subject = subject
            self.seats = seats
            self.countries = countries
            self.models = models
            self.depth = depth
            self.nbf = nbf
            self.exp = exp
            self.chain = chain
        }
    }
}
