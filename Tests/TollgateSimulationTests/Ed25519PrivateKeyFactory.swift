import TollgateCrypto

/// Deterministic keys for tests.
enum Ed25519PrivateKeyFactory {
    static func make(_ byte: UInt8) throws -> Ed25519PrivateKey {
        try Ed25519PrivateKey(seed: Array(repeating: byte, count: 32))
    }
}
