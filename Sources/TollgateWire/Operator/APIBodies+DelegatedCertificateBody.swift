import TollgateCertificates

extension APIBodies {
    public struct DelegatedCertificateBody: Codable, Sendable {
        public var hash: String
        public var subject: String
        public var seats: SerialRange
        public var certificate: String

        public init(hash: String, subject: String, seats: SerialRange, certificate: String) {
            self.hash = hash
            self.subject = subject
            self.seats = seats
            self.certificate = certificate
        }
    }
}
