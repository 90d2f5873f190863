import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// Signatures this node has already checked, so the audit does not verify again what sync verified
/// on arrival. Keyed by the exact signed bytes (a JWS's hash, a checkpoint's text) and the signer's
/// key, so a hit means these very bytes verified with this very key. Kept in memory only: a
/// restarted node starts empty and verifies everything once more. Holds at most `capacity` of each
/// kind; when full it starts over, so memory stays bounded and the worst case is verifying again.
final class VerifiedSignatures {
    static let capacity = 1_000_000

    private struct Key: Hashable {
        let signer: String
        let object: String
    }

    private var objects: Set<Key> = []
    private var checkpoints: [Key: SignedCheckpoint] = [:]

    /// Whether `jws`, exactly, carries a valid signature by `key`; verified once.
    func isSigned(_ jws: JWS, by key: Ed25519PublicKey) -> Bool {
        let entry = Key(signer: key.thumbprint, object: jws.hash)
        if objects.contains(entry) { return true }
        guard jws.isSigned(by: key) else { return false }
        remember(entry)
        return true
    }

    /// Records JWS hashes whose signatures by `key` were verified elsewhere (on several threads).
    func insert<Hashes: Sequence>(jwsHashes: Hashes, signedBy key: Ed25519PublicKey) where Hashes.Element == String {
        let signer = key.thumbprint
        for hash in jwsHashes { remember(Key(signer: signer, object: hash)) }
    }

    private func remember(_ entry: Key) {
        if objects.count >= Self.capacity { objects.removeAll(keepingCapacity: true) }
        objects.insert(entry)
    }

    /// The signed checkpoint `text`, checked once per key and origin name.
    func checkpoint(_ text: String, name: String, publicKey: Ed25519PublicKey) throws(LedgerError) -> SignedCheckpoint {
        let entry = Key(signer: publicKey.thumbprint + " " + name, object: text)
        if let known = checkpoints[entry] { return known }
        let checkpoint = try SignedCheckpoint(verifying: text, name: name, publicKey: publicKey)
        if checkpoints.count >= Self.capacity { checkpoints.removeAll(keepingCapacity: true) }
        checkpoints[entry] = checkpoint
        return checkpoint
    }
}
