import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// A pushed segment holds different bytes at an index this node already accepted: the node signed
/// two checkpoints of logs that fork. Carries the finding with both entries and their inclusion
/// proofs against the two signed checkpoints, which anyone can check.
struct EquivocationDetected: Error {
    let index: UInt64
    let finding: AuditFinding

    init(node: Descendant, index: UInt64, held: LogEntry, theirs: [NewLogEntry], from: UInt64, theirCheckpoint: SignedCheckpoint,
         mirror: MerkleLog, acceptedCheckpoint: String?, at now: Int64) throws {
        self.index = index
        let acceptedSize = try mirror.size
        var evidence: [AuditEvidence] = []
        if let acceptedCheckpoint {
            evidence.append(AuditEvidence(role: .checkpoint, object: acceptedCheckpoint, node: node.keyID))
            evidence.append(AuditEvidence(role: .entry, object: Base64URL.encode(held.bytes), node: node.keyID, index: index,
                                          proof: try mirror.inclusionProof(index: index, size: acceptedSize).map { Base64URL.encode($0) }))
        }
        // Their tree: what this node holds before the segment, then the segment.
        var tree = MerkleTree(leafHashes: try mirror.entries(in: 0..<from).map(\.leafHash))
        for entry in theirs { tree.append(data: entry.bytes) }
        let size = theirCheckpoint.checkpoint.size
        evidence.append(AuditEvidence(role: .checkpoint, object: theirCheckpoint.text, node: node.keyID))
        evidence.append(AuditEvidence(role: .entry, object: Base64URL.encode(theirs[Int(index - from)].bytes), node: node.keyID, index: index,
                                      proof: try tree.inclusionProof(index: index, size: size).map { Base64URL.encode($0) }))
        evidence.append(AuditEvidence(role: .certificate, object: node.certificate.compact, node: node.keyID))
        finding = AuditFinding(kind: .logEquivocation, node: node.keyID, nodeName: node.subject,
                               summary: "\(node.subject) signed checkpoints of two different logs: entry \(index) differs",
                               evidence: evidence, detectedAt: now)
    }
}
