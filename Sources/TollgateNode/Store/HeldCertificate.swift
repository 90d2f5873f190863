import TollgateCertificates

/// A certificate this node holds, with its chain (root first, ending with it).
public struct HeldCertificate: Hashable, Sendable {
    public let chain: [String]
    public let certificate: SignedCertificate

    public var hash: String { certificate.hash }
    public var payload: AllocationCertificate { certificate.payload }
}
