extension APIBodies {
    public struct CertificatesBody: Codable, Sendable {
        public var held: [HeldCertificateBody]
        public var delegated: [DelegatedCertificateBody]

        public init(held: [HeldCertificateBody], delegated: [DelegatedCertificateBody]) {
            self.held = held
            self.delegated = delegated
        }
    }
}
