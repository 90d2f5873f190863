import TollgateCrypto

/// The vendor's public key: the one thing an offline verifier must be given.
public struct TrustAnchor: Hashable {
    public let publicKey: Ed25519PublicKey
    /// RFC 7638 thumbprint; first-level certificates name it as `iss`.
    public let keyID: String

    public init(publicKey: Ed25519PublicKey) {
        self.publicKey = publicKey
        self.keyID = publicKey.thumbprint
    }
}

extension TrustAnchor: Sendable {}
