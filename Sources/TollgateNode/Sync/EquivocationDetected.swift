import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// A pushed segment contradicts what this node already accepted of the log: the node signed two
/// checkpoints of logs that fork. Carries the finding with evidence anyone can check: either both
/// entries at the index where the logs differ, with their inclusion proofs against the two signed
/// checkpoints; or, when this node never held the entries the logs differ in (a head it was only
/// promised), both signed checkpoints and the consistency proof that fixes the larger one's root at
/// the smaller one's size to another root than the smaller one signs.
struct EquivocationDetected: Error {
    /// Why the segment is refused, for the push answer.
    let refusal: String
    let finding: AuditFinding

    init(node: Descendant, index: UInt64, held: LogEntry, theirs: [NewLogEntry], from: UInt64, theirCheckpoint: SignedCheckpoint,
         mirror: MerkleLog, acceptedCheckpoint: String?, at now: Int64) throws {
        refusal = "entry \(index) differs from the one accepted before: log equivocation"
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

    /// `kept` is a checkpoint the node signed earlier (a head it sent before the entries), and
    /// `checkpoint` one it signs now, of at least as many entries, whose tree has `rootAtKeptSize`
    /// at `kept`'s size (`proof` is the consistency proof from there to `checkpoint`'s size, empty
    /// when the sizes are equal). That root is not `kept`'s: the two checkpoints sign different logs.
    init(node: Descendant, kept: SignedCheckpoint, contradictedBy checkpoint: SignedCheckpoint, rootAtKeptSize: [UInt8], proof: [[UInt8]],
         at now: Int64) {
        let keptSize = kept.checkpoint.size
        let size = checkpoint.checkpoint.size
        let what = size == keptSize ? "a checkpoint of the same size" : "its checkpoint of size \(size)"
        refusal = "the head of size \(keptSize) this node signed before and \(what) sign different logs: log equivocation"
        let evidence = [
            AuditEvidence(role: .checkpoint, object: kept.text, node: node.keyID),
            AuditEvidence(role: .checkpoint, object: checkpoint.text, node: node.keyID),
            AuditEvidence(role: .consistency, object: Base64URL.encode(rootAtKeptSize), node: node.keyID, index: keptSize,
                          proof: proof.map { Base64URL.encode($0) }),
            AuditEvidence(role: .certificate, object: node.certificate.compact, node: node.keyID),
        ]
        finding = AuditFinding(kind: .logEquivocation, node: node.keyID, nodeName: node.subject,
                               summary: "\(node.subject) signed checkpoints of two different logs: the first \(keptSize) entries differ",
                               evidence: evidence, detectedAt: now,
                               // One fork, one finding: pushed again, the fork's new checkpoint makes no second one.
                               identity: [kept.text, Base64URL.encode(rootAtKeptSize)])
    }
}
