import Foundation

/// An Ed25519 signing key held by OpenSSL.
public struct Ed25519PrivateKey {
    let key: EVPKey
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// A new random key.
    public init() throws(CryptoError) {
        try self.init(seed: SecureRandom.bytes(count: 32))
    }

    /// The key whose 32-byte RFC 8032 seed is `seed` (deterministic: for test vectors and simulations).
    public init(seed: [UInt8]) throws(CryptoError) {
        key = try EVPKey.ed25519(privateSeed: seed)
        publicKey = try Ed25519PublicKey(key: key)
    }

    /// Reads a PKCS#8 PEM private key, such as `openssl genpkey -algorithm ed25519` writes.
    public init(pemRepresentation pem: String) throws(CryptoError) {
        key = try EVPKey.readPrivatePEM(pem)
        publicKey = try Ed25519PublicKey(key: key)
    }

    /// The PKCS#8 PEM form (`-----BEGIN PRIVATE KEY-----`).
    public var pemRepresentation: String {
        get throws(CryptoError) { try key.privatePEM() }
    }

    /// The 32-byte seed.
    public var rawRepresentation: [UInt8] {
        get throws(CryptoError) { try key.rawPrivateKey() }
    }

    public func signature<Bytes: ContiguousBytes>(for message: Bytes) throws(CryptoError) -> [UInt8] {
        try message.withUnsafeBytes { buffer in
            Result { () throws(CryptoError) -> [UInt8] in try key.sign(buffer) }
        }.get()
    }

    /// Writes the PEM form to `url` with mode 0600, created fresh so it is never readable by others.
    public func write(to url: URL) throws(CryptoError) {
        let pem = try pemRepresentation
        try KeyFile.write(Array(pem.utf8), to: url, mode: 0o600)
    }

    public init(contentsOf url: URL) throws(CryptoError) {
        try self.init(pemRepresentation: KeyFile.read(url))
    }
}

extension Ed25519PrivateKey: Sendable {}
