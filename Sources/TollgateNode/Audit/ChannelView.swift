import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger

/// A node's view of its subtree: its own log and every descendant log it mirrors, with the
/// certificates, names and witness times the audit and the reports read. Pure over the store and
/// `now`. The reports read the logs' objects decoded once per log and kept (``DecodedLogs``); the
/// audit reads the entries themselves, one chunk at a time.
struct ChannelView {
    let auditor: NodeContext
    let now: Int64
    var logs: [String: AuditedLog] = [:]
    var certificates: [String: SignedCertificate] = [:]
    var names: [String: String] = [:]
    var syncWithin: [String: Int64] = [:]
    var parentOf: [String: String] = [:]
    /// Witness times of each node's checkpoints: (time, size, where the witness entry is).
    var witnesses: [String: [(time: Int64, size: UInt64, checkpoint: String, log: String, index: UInt64)]] = [:]
    /// Every log's signed objects, merged (``DecodedView``).
    var decodedObjects = Objects()

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
        logs[selfID] = AuditedLog(node: selfID, name: auditor.identity.name, key: auditor.identity.key.publicKey, source: store.log,
                                  size: ownCheckpoint.checkpoint.size, checkpoint: ownCheckpoint.text, isSelf: true)
        for descendant in try store.descendants() {
            names[descendant.keyID] = descendant.subject
            syncWithin[descendant.keyID] = descendant.syncWithin
            parentOf[descendant.keyID] = descendant.parentKeyID
            certificates[descendant.certificate.hash] = descendant.certificate
            let state = try store.mirrorState(keyID: descendant.keyID)
            logs[descendant.keyID] = AuditedLog(node: descendant.keyID, name: descendant.subject, key: descendant.publicKey,
                                                source: try store.mirrorLog(keyID: descendant.keyID), size: state.size,
                                                checkpoint: state.checkpoint, isSelf: false)
        }
        // Certificates anywhere in the logs, so every chain can be rebuilt, and the witnessed
        // checkpoints; from each log's decoded objects, which only new entries are decoded for,
        // and merged again only when a log grew or changed.
        let sorted = logs.values.sorted(by: { $0.node < $1.node })
        var copies: [(node: String, objects: DecodedLog)] = []
        for log in sorted { copies.append((log.node, try auditor.decodedLogs.decoded(log.source, size: log.size))) }
        let shape = zip(sorted, copies).map { DecodedView.Shape(node: $0.node, log: $0.source.name, size: $1.objects.size, root: $1.objects.root) }
        let view: DecodedView
        if let kept = auditor.decodedLogs.view(of: shape) {
            view = kept
        } else {
            var merged = DecodedView(shape: shape, objects: Objects(), certificates: [], witnesses: [:])
            for (node, objects) in copies {
                merged.objects.append(objects, node: node)
                merged.certificates += objects.delegations.map(\.certificate) + objects.received.map(\.certificate)
                for (record, index) in objects.witnesses {
                    guard let key = logs[record.node]?.key,
                          let checkpoint = try? store.verifiedSignatures.checkpoint(record.checkpoint, name: "tollgate.dev/node/\(record.node)", publicKey: key)
                    else { continue }
                    merged.witnesses[record.node, default: []].append((record.witnessedAt, checkpoint.checkpoint.size, record.checkpoint, node, index))
                }
            }
            auditor.decodedLogs.keep(merged)
            view = merged
        }
        for certificate in view.certificates { certificates[certificate.hash] = certificate }
        witnesses = view.witnesses
        decodedObjects = view.objects
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

    /// The signed object at `index` of `node`'s log, as its compact text: the audit keeps only
    /// summaries of what it read and fetches an object's text again for a finding's evidence.
    func compact(node: String, index: UInt64) throws -> String {
        guard let log = logs[node] else { throw LedgerError(.outOfRange, "no audited log of \(names[node] ?? node)") }
        return try log.compact(at: index)
    }

    func entryEvidence(node: String, index: UInt64) throws -> [AuditEvidence] {
        guard let log = logs[node], let checkpoint = log.checkpoint, let entry = try log.entry(at: index) else { return [] }
        return [
            AuditEvidence(role: .checkpoint, object: checkpoint, node: node),
            AuditEvidence(role: .entry, object: Base64URL.encode(entry.bytes), node: node, index: index,
                          proof: try log.source.inclusionProof(index: index, size: log.size).map { Base64URL.encode($0) }),
        ]
    }

    func witnessEvidence(_ witness: (time: Int64, size: UInt64, checkpoint: String, log: String, index: UInt64)) throws -> [AuditEvidence] {
        var evidence = try entryEvidence(node: witness.log, index: witness.index)
        if let entry = evidence.last { evidence[evidence.count - 1] = AuditEvidence(role: .witness, object: entry.object, node: entry.node, index: entry.index, proof: entry.proof) }
        return evidence
    }
}
