import Foundation

/// An Ed25519 verification key.
public struct Ed25519PublicKey {
    let key: EVPKey
    /// The 32-byte encoded point.
    public let rawRepresentation: [UInt8]
    /// The RFC 7638 JWK thumbprint, base64url: SHA-256 over `{"crv":"Ed25519","kty":"OKP","x":"…"}`.
    /// Computed once: it names the key in every object the key signs.
    public let thumbprint: String

    init(key: EVPKey) throws(CryptoError) {
        self.key = key
        self.rawRepresentation = try key.rawPublicKey()
        self.thumbprint = Self.thumbprint(of: rawRepresentation)
    }

    public init(rawRepresentation raw: [UInt8]) throws(CryptoError) {
        key = try EVPKey.ed25519(publicKey: raw)
        rawRepresentation = raw
        thumbprint = Self.thumbprint(of: raw)
    }

    /// Reads an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    public init(pemRepresentation pem: String) throws(CryptoError) {
        let key = try EVPKey.readPublicPEM(pem)
        try self.init(key: key)
    }

    public var pemRepresentation: String {
        get throws(CryptoError) { try key.publicPEM() }
    }

    public func isValidSignature<Bytes: ContiguousBytes>(_ signature: [UInt8], for message: Bytes) -> Bool {
        message.withUnsafeBytes { key.verify(signature: signature, message: $0) }
    }

    static func thumbprint(of raw: [UInt8]) -> String {
        let jwk = #"{"crv":"Ed25519","kty":"OKP","x":""# + Base64URL.encode(raw) + #""}"#
        return Base64URL.encode(SHA256Digest.hash(Array(jwk.utf8)))
    }

    public func write(to url: URL) throws(CryptoError) {
        try KeyFile.write(Array(pemRepresentation.utf8), to: url, mode: 0o644)
    }

    public init(contentsOf url: URL) throws(CryptoError) {
        try self.init(pemRepresentation: KeyFile.read(url))
    }
}

extension Ed25519PublicKey: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
}

extension Ed25519PublicKey: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

extension Ed25519PublicKey: Sendable {}
