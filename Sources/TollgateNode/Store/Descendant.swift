import TollgateCertificates
import TollgateCrypto

/// A node below this one, learned from a delegation this node made or from a delegation in a
/// descendant's synced log.
public struct Descendant: Hashable, Sendable {
    public let keyID: String
    public let publicKey: Ed25519PublicKey
    public let subject: String
    /// Key id of the node that delegated to it.
    public let parentKeyID: String
    public let certificate: SignedCertificate

    public var syncWithin: Int64 { certificate.payload.syncWithin }
}
