extension APIBodies {
    public struct ActivationSummary: Codable, Sendable {
        public var hash: String
        public var license: String
        public var serial: UInt64
        public var kind: String
        public var country: String
        public var platform: String
        public var iat: Int64
        public var exp: Int64?
        public var endedAt: Int64?
        public var activation: String

        public init(hash: String, license: String, serial: UInt64, kind: String, country: String, platform: String, iat: Int64, exp: Int64?, endedAt: Int64?, activation: String) {
            self.hash = hash
            self.license = license
            self.serial = serial
            self.kind = kind
            self.country = country
            self.platform = platform
            self.iat = iat
            self.exp = exp
            self.endedAt = endedAt
            self.activation = activation
        }

        enum CodingKeys: String, CodingKey {
            case hash, license, serial, kind, country, platform, iat, exp, activation
            case endedAt = "ended_at"
        }
    }
}
