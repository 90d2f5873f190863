import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// A node's view of its subtree: its own log and every descendant log it mirrors, decoded, with the
/// certificates, names and witness times the audit and the reports read. Pure over the store and `now`.
struct ChannelView {
    let auditor: NodeContext
    let now: Int64
    var logs: [String: AuditedLog] = [:]
    var mirrors: [String: MerkleLog] = [:]
    var certificates: [String: SignedCertificate] = [:]
    var names: [String: String] = [:]
    var syncWithin: [String: Int64] = [:]
    var parentOf: [String: String] = [:]
    /// Witness times of each node's checkpoints: (time, size, where the witness entry is).
    var witnesses: [String: [(time: Int64, size: UInt64, checkpoint: String, log: String, index: UInt64)]] = [:]

    init(auditor: NodeContext, log: NodeLog, at now: Int64) throws {
        self.auditor = auditor
        self.now = now
        let store = auditor.store
        let selfID = auditor.identity.keyID
        names[selfID] = auditor.identity.name
        for held in try store.heldCertificates() {
            for compact in held.chain {
                let certificate = try SignedCertificate(compact: compact)
                certificates[certificate.hash] = certificate
            }
        }
        let ownCheckpoint = try log.signCheckpoint(at: now)
        logs[selfID] = AuditedLog(node: selfID, name: auditor.identity.name, key: auditor.identity.key.publicKey,
                                  entries: try store.log.entries(in: 0..<ownCheckpoint.checkpoint.size),
                                  checkpoint: ownCheckpoint.text, isSelf: true)
        mirrors[selfID] = store.log
        for descendant in try store.descendants() {
            names[descendant.keyID] = descendant.subject
            syncWithin[descendant.keyID] = descendant.syncWithin
            parentOf[descendant.keyID] = descendant.parentKeyID
            certificates[descendant.certificate.hash] = descendant.certificate
            let mirror = try store.mirrorLog(keyID: descendant.keyID)
            let state = try store.mirrorState(keyID: descendant.keyID)
            mirrors[descendant.keyID] = mirror
            logs[descendant.keyID] = AuditedLog(node: descendant.keyID, name: descendant.subject, key: descendant.publicKey,
                                                entries: try mirror.entries(in: 0..<state.size), checkpoint: state.checkpoint, isSelf: false)
        }
        // Certificates anywhere in the logs, so every chain can be rebuilt.
        for log in logs.values {
            for entry in log.entries where entry.kind == LogEntryKind.certificateDelegated.rawValue || entry.kind == LogEntryKind.certificateReceived.rawValue {
                if let certificate = try? SignedCertificate(compact: String(decoding: entry.bytes, as: UTF8.self)) {
                    certificates[certificate.hash] = certificate
                }
            }
        }
        for log in logs.values {
            for entry in log.entries where entry.kind == LogEntryKind.checkpointWitnessed.rawValue {
                guard let record = try? WitnessRecord(bytes: entry.bytes), let key = logs[record.node]?.key,
                      let checkpoint = try? store.verifiedSignatures.checkpoint(record.checkpoint, name: "tollgate.dev/node/\(record.node)", publicKey: key)
                else { continue }
                witnesses[record.node, default: []].append((record.witnessedAt, checkpoint.checkpoint.size, record.checkpoint, log.node, entry.index))
            }
        }
    }

    /// The chain (root first) that ends with certificate `hash`, if every link is known.
    func chain(ending hash: String) -> [String]? {
        var chain: [String] = []
        var current: String? = hash
        while let link = current {
            guard let certificate = certificates[link], chain.count < 9 else { return nil }
            chain.insert(certificate.compact, at: 0)
            current = certificate.payload.parent
        }
        return chain
    }

    // MARK: Evidence helpers

    func entryEvidence(node: String, index: UInt64) throws -> [AuditEvidence] {
        guard let log = logs[node], let checkpoint = log.checkpoint, let mirror = mirrors[node], index < UInt64(log.entries.count) else { return [] }
        let size = UInt64(log.entries.count)
        return [
            AuditEvidence(role: .checkpoint, object: checkpoint, node: node),
            AuditEvidence(role: .entry, object: Base64URL.encode(log.entries[Int(index)].bytes), node: node, index: index,
                          proof: try mirror.inclusionProof(index: index, size: size).map { Base64URL.encode($0) }),
        ]
    }

    func witnessEvidence(_ witness: (time: Int64, size: UInt64, checkpoint: String, log: String, index: UInt64)) throws -> [AuditEvidence] {
        var evidence = try entryEvidence(node: witness.log, index: witness.index)
        if let entry = evidence.last { evidence[evidence.count - 1] = AuditEvidence(role: .witness, object: entry.object, node: entry.node, index: entry.index, proof: entry.proof) }
        return evidence
    }
}
