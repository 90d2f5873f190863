extension APIBodies {
    public struct RevocationBody: Codable, Sendable {
        public var certificate: String
        public var effective: Int64?
        public var reason: String

        public init(certificate: String, effective: Int64?, reason: String) {
            self.certificate = certificate
            self.effective = effective
            self.reason = reason
        }
    }
}
