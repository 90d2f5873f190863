import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// One node's log as the auditor sees it: its entries, decoded, and the checkpoint they end at.
struct AuditedLog {
    let node: String
    let name: String
    let key: Ed25519PublicKey
    let entries: [LogEntry]
    /// The signed checkpoint covering `entries` (the accepted one for a mirror, a fresh one for self).
    let checkpoint: String?
    let isSelf: Bool

    func inclusionProof(index: UInt64, size: UInt64, log: MerkleLog) throws -> [String] {
        try log.inclusionProof(index: index, size: size).map { Base64URL.encode($0) }
    }
}
extension AuditedLog: Sendable {}
