import Synchronization
import TollgateCrypto

/// JWS signatures that already verified, so the same object is not verified twice. Keyed by the
/// JWS's hash (SHA-256 of its exact compact bytes) and the signer key's thumbprint: a hit means
/// these very bytes verified with this very key, so the answer is the same as verifying again.
/// Only successes are kept. Safe to share between threads and between verifiers; when full it
/// starts over, so memory stays bounded and the worst case is verifying again.
public final class VerifiedSignatureCache: Sendable {
    private struct Key: Hashable {
        let signer: String
        let object: String
    }

    private let entries = Mutex<Set<Key>>([])
    public let capacity: Int

    public init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// Whether `jws`, exactly, carries a valid signature by `key`; verified at most once.
    public func isSigned(_ jws: JWS, by key: Ed25519PublicKey) -> Bool {
        if contains(jwsHash: jws.hash, signedBy: key) { return true }
        guard jws.isSigned(by: key) else { return false }
        insert(jwsHashes: CollectionOfOne(jws.hash), signedBy: key)
        return true
    }

    /// Whether the JWS with this hash is known to verify with `key`.
    public func contains(jwsHash: String, signedBy key: Ed25519PublicKey) -> Bool {
        let entry = Key(signer: key.thumbprint, object: jwsHash)
        return entries.withLock { $0.contains(entry) }
    }

    /// Records JWS hashes whose signatures by `key` the caller verified.
    public func insert<Hashes: Sequence>(jwsHashes: Hashes, signedBy key: Ed25519PublicKey) where Hashes.Element == String {
        let signer = key.thumbprint
        insert(jwsHashes.map { Key(signer: signer, object: $0) })
    }

    private func insert(_ keys: [Key]) {
        entries.withLock { table in
            for key in keys {
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
                table.insert(key)
            }
        }
    }

    /// Whether `signature` over `message` (a signature outside a JWS, such as a node-signed request's)
    /// is known to verify with `key`.
    public func contains(signature: [UInt8], over message: [UInt8], by key: Ed25519PublicKey) -> Bool {
        let entry = Key(signer: key.thumbprint, object: Self.rawObject(signature, message))
        return entries.withLock { $0.contains(entry) }
    }

    /// Records a raw signature this process just made with `key`'s private half over `message`
    /// (see ``Signed/sign(_:with:recordingIn:)`` for why that is as good as verifying it).
    public func insert(signature: [UInt8], over message: [UInt8], by key: Ed25519PublicKey) {
        insert([Key(signer: key.thumbprint, object: Self.rawObject(signature, message))])
    }

    /// A raw signature's entry: SHA-256 over the signature and the message, marked apart from JWS hashes.
    private static func rawObject(_ signature: [UInt8], _ message: [UInt8]) -> String {
        "raw:" + Base64URL.encode(SHA256Digest.hash(concatenating: [signature, message]))
    }

    public var count: Int { entries.withLock { $0.count } }
}
