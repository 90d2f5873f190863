import Synchronization
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// Signatures already checked, so the audit does not verify again what sync verified on arrival, and
/// activation does not verify again a license a customer's check or a sync already verified. Keyed by
/// the exact signed bytes (a JWS's hash, a checkpoint's text) and the signer's key, so a hit means
/// these very bytes verified with this very key. Kept in memory only: a restarted node starts empty
/// and verifies everything once more. One per node by default; nodes that share a process (the
/// simulator's) may share one, since a hit answers the same for every verifier. Holds at most
/// `capacity` of each kind; when full it starts over, so memory stays bounded.
public final class VerifiedSignatures: Sendable {
    public static let capacity = 1_000_000

    private struct Key: Hashable {
        let signer: String
        let object: String
    }

    /// Verified JWS objects, also consulted by the node's license verifier.
    public let objects: VerifiedSignatureCache
    private let checkpoints = Mutex<[Key: SignedCheckpoint]>([:])

    public init(objects: VerifiedSignatureCache = VerifiedSignatureCache(capacity: VerifiedSignatures.capacity)) {
        self.objects = objects
    }

    /// Whether `jws`, exactly, carries a valid signature by `key`; verified once.
    func isSigned(_ jws: JWS, by key: Ed25519PublicKey) -> Bool {
        objects.isSigned(jws, by: key)
    }

    /// Records JWS hashes whose signatures by `key` were verified elsewhere (on several threads).
    func insert<Hashes: Sequence>(jwsHashes: Hashes, signedBy key: Ed25519PublicKey) where Hashes.Element == String {
        objects.insert(jwsHashes: jwsHashes, signedBy: key)
    }

    /// The signed checkpoint `text`, checked once per key and origin name.
    func checkpoint(_ text: String, name: String, publicKey: Ed25519PublicKey) throws(LedgerError) -> SignedCheckpoint {
        let entry = Key(signer: publicKey.thumbprint + " " + name, object: text)
        if let known = checkpoints.withLock({ $0[entry] }) { return known }
        let checkpoint = try SignedCheckpoint(verifying: text, name: name, publicKey: publicKey)
        checkpoints.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[entry] = checkpoint
        }
        return checkpoint
    }
}
