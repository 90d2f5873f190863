import TollgateCrypto

/// A certificate that passed chain verification, with its subject's parsed key.
public struct VerifiedCertificate: Hashable {
    public let certificate: SignedCertificate
    public let subjectKey: Ed25519PublicKey

    public var payload: AllocationCertificate { certificate.payload }
    public var hash: String { certificate.hash }
}

extension VerifiedCertificate: Sendable {}
