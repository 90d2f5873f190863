extension APIBodies {
    /// What `POST /v1/revocations` revokes: a certificate this node delegated, or one license of its
    /// subtree (exactly one of the two), from `effective` (default now), for `reason`: free text for
    /// a certificate, `refund`, `fraud` or `chargeback` for a license.
    public struct RevocationBody: Codable, Sendable {
        public var certificate: String?
        public var license: String?
        public var effective: Int64?
        public var reason: String

        public init(certificate: String, effective: Int64?, reason: String) {
            self.certificate = certificate
            self.effective = effective
            self.reason = reason
        }

        public init(license: String, effective: Int64?, reason: String) {
            self.license = license
            self.effective = effective
            self.reason = reason
        }
    }
}
