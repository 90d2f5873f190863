import TollgateCertificates

/// A certificate this node holds, with its chain (root first, ending with it).
public struct HeldCertificate: Hashable, Sendable {
    public let chain: [String]
    public let certificate: SignedCertificate
    /// The hash of each certificate in `chain`, in the same order (revocations name certificates by it).
    public let chainHashes: [String]

    public init(chain: [String], certificate: SignedCertificate) {
        self.chain = chain
        self.certificate = certificate
        chainHashes = chain.map { JWS.hash(of: $0) }
    }

    public var hash: String { certificate.hash }
    public var payload: AllocationCertificate { certificate.payload }
}
