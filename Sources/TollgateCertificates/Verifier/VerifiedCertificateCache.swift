import Synchronization
import TollgateCrypto

/// Certificates that already passed verification, by the hash of their JWS, so a warm verification
/// costs only the license's signature. An entry is only used under the trust anchor it was verified
/// with; because every certificate names its parent's hash, a cached certificate fixes its whole chain.
public final class VerifiedCertificateCache: Sendable {
    struct Entry: Sendable {
        let anchorKeyID: String
        let certificate: SignedCertificate
        let subjectKey: Ed25519PublicKey
    }

    private let entries = Mutex<[String: Entry]>([:])
    public let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    func entry(hash: String, anchorKeyID: String) -> Entry? {
        entries.withLock { $0[hash] }.flatMap { $0.anchorKeyID == anchorKeyID ? $0 : nil }
    }

    func insert(_ entry: Entry, hash: String) {
        entries.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[hash] = entry
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
