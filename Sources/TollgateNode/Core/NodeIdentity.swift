import TollgateCertificates
import TollgateCrypto

/// Who a node is: its name, its signing key and the vendor's trust anchor it answers to.
public struct NodeIdentity: Sendable {
    public let name: String
    public let key: Ed25519PrivateKey
    public let anchor: TrustAnchor

    public init(name: String, key: Ed25519PrivateKey, anchor: TrustAnchor) {
        self.name = name
        self.key = key
        self.anchor = anchor
    }

    /// The root holds the trust anchor's key itself.
    public var isRoot: Bool { key.publicKey == anchor.publicKey }
    public var keyID: String { key.publicKey.thumbprint }
}
