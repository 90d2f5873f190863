import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// The child's side of a sync with its parent: signing requests to it, the push (this node's new
/// entries and the descendant logs it relays), what the parent acknowledged, and taking in what a
/// pull brings (certificates and revocations).
struct ChildSync: NodePart {
    let context: NodeContext
    let log: NodeLog
    let holdings: CertificateHoldings
    let revocations: Revocations

    /// See ``LicensingNode/signRequest(method:target:body:at:)``.
    func signRequest(method: String, target: String, body: [UInt8], at now: Int64) throws(NodeError) -> RequestSignature {
        try context.sign { try RequestSignature.sign(method: method, target: target, body: body, date: now, nonce: ids.make(), key: identity.key,
                                                  recordingIn: store.verifiedSignatures.objects) }
    }

    /// See ``LicensingNode/makePush(at:)``.
    func makePush(at now: Int64) throws(NodeError) -> PushRequest {
        let own = try ownSegment(at: now)
        let relayed = try storage { () throws -> [LogSegment] in
            var segments: [LogSegment] = []
            for descendant in try orderedDescendants() {
                let state = try store.mirrorState(keyID: descendant.keyID)
                guard let checkpoint = state.checkpoint else { continue }
                let acked = try store.upstreamAcked(keyID: descendant.keyID)
                // The parent holds as much as this node does (and so a checkpoint at that size): nothing to relay.
                guard acked < state.size else { continue }
                let mirror = try store.mirrorLog(keyID: descendant.keyID)
                let entries = try mirror.entries(in: acked..<state.size).map {
                    LogSegment.Entry(kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
                }
                let proof = acked == 0 ? [] : try mirror.consistencyProof(from: acked, to: state.size)
                segments.append(LogSegment(node: descendant.keyID, from: acked, entries: entries, checkpoint: checkpoint,
                                           proofFrom: acked, proof: proof.map { Base64URL.encode($0) }))
            }
            return segments
        }
        return PushRequest(segments: [own] + relayed)
    }

    private func ownSegment(at now: Int64) throws(NodeError) -> LogSegment {
        let checkpoint = try log.signCheckpoint(at: now)
        return try storage {
            let acked = min(try store.upstreamAcked(keyID: identity.keyID), checkpoint.checkpoint.size)
            let size = checkpoint.checkpoint.size
            let entries = try store.log.entries(in: acked..<size).map {
                LogSegment.Entry(kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
            }
            let proof = acked == 0 ? [] : try store.log.consistencyProof(from: acked, to: size)
            return LogSegment(node: identity.keyID, from: acked, entries: entries, checkpoint: checkpoint.text,
                              proofFrom: acked, proof: proof.map { Base64URL.encode($0) })
        }
    }

    /// Descendants ordered so that every node comes after the node that delegated to it.
    private func orderedDescendants() throws -> [Descendant] {
        let all = try store.descendants()
        let byKey = Dictionary(all.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        func depth(_ descendant: Descendant) -> Int {
            var depth = 0
            var current = descendant
            while let parent = byKey[current.parentKeyID], depth < 16 {
                depth += 1
                current = parent
            }
            return depth
        }
        return all.sorted { (depth($0), $0.keyID) < (depth($1), $1.keyID) }
    }

    /// See ``LicensingNode/recordPushResponse(_:pushed:at:)``.
    func recordPushResponse(_ response: PushResponse, pushed: PushRequest, at now: Int64) throws(NodeError) {
        do {
            try response.validate()
        } catch {
            throw NodeError(.invalidRequest, "the parent's push answer: \(error.reason)")
        }
        try storage {
            try store.transaction {
                for (keyID, size) in response.acked {
                    try store.setUpstreamAcked(keyID: keyID, size: size)
                }
                let own = pushed.segments.first { $0.node == identity.keyID }
                let ownEnd = own.map { $0.from + UInt64($0.entries.count) }
                if response.refused[identity.keyID] == nil, let ownEnd, response.acked[identity.keyID] == ownEnd {
                    try store.recordSyncSuccess(at: now)
                } else {
                    try store.recordSyncFailure(response.refused[identity.keyID] ?? "the parent holds \(response.acked[identity.keyID] ?? 0) entries", at: now)
                }
            }
        }
    }

    /// See ``LicensingNode/recordSyncFailure(_:at:)``.
    func recordSyncFailure(_ reason: String, at now: Int64) throws(NodeError) {
        try storage { try store.recordSyncFailure(reason, at: now) }
    }

    /// See ``LicensingNode/receivePull(_:at:)``.
    func receivePull(_ response: PullResponse, at now: Int64) throws(NodeError) {
        for chain in response.certificates {
            do {
                try holdings.accept(chain: chain, at: now)
            } catch where error.rule == .expired {
                continue  // an old delegation whose window has closed: nothing to hold
            }
        }
        for revocation in response.revocations {
            do {
                try revocations.receiveRevocation(revocation, at: now)
            } catch where error.code == .notFound {
                continue  // about a certificate outside this node's chains
            }
        }
    }
}
