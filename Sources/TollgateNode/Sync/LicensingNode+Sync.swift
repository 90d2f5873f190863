import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

extension LicensingNode {
    // MARK: Freshness

    /// When this node last heard from its parent: a successful sync or a certificate received.
    public func lastParentContact() throws(NodeError) -> Int64? {
        try storage {
            let sync = try store.lastSyncSuccess()
            let received = try store.lastCertificateReceived()
            return [sync, received].compactMap { $0 }.max()
        }
    }

    /// An honest node refuses to issue once its last contact with its parent is older than its
    /// certificate's `sync_within`. The root has no parent.
    func checkSyncFreshness(_ certificate: AllocationCertificate, at now: Int64) throws(NodeError) {
        guard !identity.isRoot else { return }
        try checkSyncFreshness(certificate, at: now, lastContact: lastParentContact())
    }

    /// The same check with the last contact already read.
    func checkSyncFreshness(_ certificate: AllocationCertificate, at now: Int64, lastContact: Int64?) throws(NodeError) {
        guard !identity.isRoot else { return }
        let contact = lastContact ?? now
        guard now - contact <= certificate.syncWithin else {
            throw NodeError(.syncOverdue, "last synced with the parent at \(contact), more than sync_within (\(certificate.syncWithin) s) ago; sync before issuing")
        }
    }

    // MARK: Authenticating other nodes

    /// Checks a node-signed request: the caller must be a direct child, the time inside the window
    /// and the nonce new. Returns the caller.
    public func authenticateChild(_ signature: RequestSignature, method: String, target: String, body: [UInt8],
                                  at now: Int64) throws(NodeError) -> Descendant {
        guard let child = try storage({ try store.descendant(keyID: signature.keyID) }), child.parentKeyID == identity.keyID else {
            throw NodeError(.unauthorized, "\(signature.keyID) is not a child of this node")
        }
        guard signature.isValid(method: method, target: target, body: body, key: child.publicKey, record: store.verifiedSignatures.objects) else {
            throw NodeError(.unauthorized, "the request signature does not verify with \(child.subject)'s key")
        }
        guard signature.date >= now - RequestSignature.window, signature.date <= now + RequestSignature.window else {
            throw NodeError(.replayed, "the request is dated \(signature.date), more than \(RequestSignature.window) s from now (\(now))")
        }
        guard try storage({ try store.recordRequestNonce(signature.nonce, keyID: signature.keyID, at: now) }) else {
            throw NodeError(.replayed, "nonce \(signature.nonce) was already used")
        }
        return child
    }

    /// Checks what the headers of a node-signed request show before its body has arrived: the caller
    /// is a direct child, the time is inside the window and the nonce is unused. Records nothing; the
    /// whole request still goes through ``authenticateChild(_:method:target:body:at:)``. Lets the server
    /// refuse a stranger's or a replayed upload without reading (or buffering) its body.
    public func checkChildRequestHead(_ signature: RequestSignature, at now: Int64) throws(NodeError) -> Descendant {
        guard let child = try storage({ try store.descendant(keyID: signature.keyID) }), child.parentKeyID == identity.keyID else {
            throw NodeError(.unauthorized, "\(signature.keyID) is not a child of this node")
        }
        guard abs(signature.date - now) <= RequestSignature.window else {
            throw NodeError(.replayed, "the request is dated \(signature.date), more than \(RequestSignature.window) s from now (\(now))")
        }
        guard try !storage({ try store.isRequestNonceUsed(signature.nonce) }) else {
            throw NodeError(.replayed, "nonce \(signature.nonce) was already used")
        }
        return child
    }

    /// Signs a request to the parent.
    public func signRequest(method: String, target: String, body: [UInt8], at now: Int64) throws(NodeError) -> RequestSignature {
        try sign { try RequestSignature.sign(method: method, target: target, body: body, date: now, nonce: ids.make(), key: identity.key,
                                          recordingIn: store.verifiedSignatures.objects) }
    }

    // MARK: Push (child side)

    /// The push for the parent: this node's entries since the parent's acknowledged size with a
    /// fresh checkpoint, then every descendant log it mirrors, relayed verbatim, parents first.
    public func makePush(at now: Int64) throws(NodeError) -> PushRequest {
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
        let checkpoint = try signCheckpoint(at: now)
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
    func orderedDescendants() throws -> [Descendant] {
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

    /// Records what the parent acknowledged; a full acknowledgement of this node's own log is a
    /// successful sync.
    public func recordPushResponse(_ response: PushResponse, pushed: PushRequest, at now: Int64) throws(NodeError) {
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

    public func recordSyncFailure(_ reason: String, at now: Int64) throws(NodeError) {
        try storage { try store.recordSyncFailure(reason, at: now) }
    }

    // MARK: Push (parent side)

    /// Stores a child's push: every segment is checked against the node's key, its signed
    /// checkpoint and what this node already holds of that log; each accepted checkpoint is
    /// witnessed in this node's own log. A segment that contradicts held entries is refused and
    /// recorded as a log equivocation finding.
    public func receivePush(_ push: PushRequest, from child: Descendant, at now: Int64) throws(NodeError) -> PushResponse {
        guard let first = push.segments.first, first.node == child.keyID else {
            throw NodeError(.invalidRequest, "a push starts with the sender's own log segment")
        }
        var acked: [String: UInt64] = [:]
        var refused: [String: String] = [:]
        var relayers: Set<String> = [child.keyID]
        for segment in push.segments {
            let node: Descendant
            if segment.node == child.keyID {
                node = child
            } else if let known = try storage({ try store.descendant(keyID: segment.node) }), relayers.contains(known.parentKeyID) {
                node = known
            } else {
                refused[segment.node] = "not a known descendant of \(child.subject)"
                continue
            }
            relayers.insert(node.keyID)
            do {
                acked[node.keyID] = try store.transaction { try accept(segment, of: node, at: now) }
            } catch let detected as EquivocationDetected {
                // The segment is refused; the proof that the log forked is kept.
                try storage {
                    try store.transaction {
                        if try store.insertFinding(detected.finding) { try recordInLog(detected.finding, at: now) }
                    }
                }
                refused[node.keyID] = "entry \(detected.index) differs from the one accepted before: log equivocation"
                acked[node.keyID] = try storage { try store.mirrorLog(keyID: node.keyID).size }
            } catch let error as NodeError {
                refused[node.keyID] = error.reason
                acked[node.keyID] = try storage { try store.mirrorLog(keyID: node.keyID).size }
                if error.code == .logConflict && segment.from > 0 {
                    acked[node.keyID] = 0  // resend from the start, so the entry that differs is found
                }
            } catch {
                throw NodeError(storing: error, databasePath: store.database.path)
            }
        }
        return PushResponse(acked: acked, refused: refused)
    }

    private func accept(_ segment: LogSegment, of node: Descendant, at now: Int64) throws -> UInt64 {
        let origin = "tollgate.dev/node/\(node.keyID)"
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try store.verifiedSignatures.checkpoint(segment.checkpoint, name: origin, publicKey: node.publicKey)
        } catch {
            throw NodeError(.unauthorized, "the checkpoint is not signed by \(node.subject): \(error)")
        }
        let end = segment.from + UInt64(segment.entries.count)
        guard checkpoint.checkpoint.origin == origin, checkpoint.checkpoint.size == end else {
            throw NodeError(.invalidRequest, "the checkpoint (size \(checkpoint.checkpoint.size)) does not end the segment (\(end))")
        }
        let mirror = try store.mirrorLog(keyID: node.keyID)
        let held = try mirror.size
        let state = try store.mirrorState(keyID: node.keyID)
        guard segment.from <= held else {
            throw NodeError(.logConflict, "entries before \(segment.from) are missing: this node holds \(held)")
        }
        let decoded = try segment.entries.map { entry throws -> NewLogEntry in
            NewLogEntry(kind: entry.kind, bytes: try Base64URL.decode(entry.bytes), appendedAt: entry.appendedAt)
        }
        // Entries already held must be byte for byte the same: anything else is equivocation.
        if segment.from < held {
            let overlap = try mirror.entries(in: segment.from..<min(held, end))
            for (offset, mine) in overlap.enumerated() where mine.bytes != decoded[offset].bytes {
                let index = segment.from + UInt64(offset)
                throw try EquivocationDetected(node: node, index: index, held: mine, theirs: decoded, from: segment.from,
                                               theirCheckpoint: checkpoint, mirror: mirror, acceptedCheckpoint: state.checkpoint, at: now)
            }
        }
        if end > held {
            let fresh = Array(decoded[Int(held - segment.from)...])
            let checked = SegmentVerification.check(fresh, signer: node.publicKey, known: store.verifiedSignatures.objects)
            store.verifiedSignatures.insert(jwsHashes: checked.verified, signedBy: node.publicKey)
            if let forged = checked.forged {
                throw NodeError(.invalidRequest, "entry \(held + UInt64(forged)) (\(fresh[forged].kind)) is not signed by \(node.subject)")
            }
            _ = try mirror.append(contentsOf: fresh)
        }
        guard end >= held else {
            return held  // an old segment: nothing new, nothing contradicted
        }
        guard try mirror.rootHash(atSize: end) == checkpoint.checkpoint.rootHash else {
            throw NodeError(.logConflict, "the checkpoint's root does not match the log held plus these entries; resend from 0")
        }
        if let accepted = state.checkpoint, state.size > 0, state.size <= end {
            let previous = try store.verifiedSignatures.checkpoint(accepted, name: origin, publicKey: node.publicKey)
            let proof = try segment.proof.map { try Base64URL.decode($0) }
            if segment.proofFrom == state.size {
                try MerkleProof.verifyConsistency(oldSize: state.size, newSize: end, oldRoot: previous.checkpoint.rootHash,
                                                  newRoot: checkpoint.checkpoint.rootHash, proof: proof)
            }
        }
        let grew = end > state.size || state.checkpoint == nil
        try store.updateMirror(keyID: node.keyID, checkpoint: segment.checkpoint, size: end, at: now)
        let lastWitnessed = try lastWitness(of: node.keyID) ?? 0
        if grew || now - lastWitnessed >= max(60, node.syncWithin / 8) {
            try witness(segment.checkpoint, of: node.keyID, at: now)
        }
        try learnDescendants(from: decoded, of: node, at: now)
        if node.parentKeyID == identity.keyID, end > held {
            try takeReturns(from: decoded[Int(held - segment.from)...], at: now)
        }
        return end
    }

    /// A child's quota returns, new in its pushed log, are taken in as `receiveReturn` takes one
    /// carried by hand: the push is their transport, and its signature and the log's their proof of
    /// origin. A return the child should not have signed (seats outside its certificate) stays in its
    /// log for the audit and frees nothing.
    private func takeReturns(from entries: ArraySlice<NewLogEntry>, at now: Int64) throws {
        for entry in entries where entry.kind == LogEntryKind.quotaReturned.rawValue {
            do throws(NodeError) {
                try receiveReturn(String(decoding: entry.bytes, as: UTF8.self), at: now)
            } catch {
                if error.code == .storage { throw error }
            }
        }
    }

    /// Records, in this node's own log, when it first saw a descendant's checkpoint.
    private func witness(_ checkpoint: String, of keyID: String, at now: Int64) throws {
        let record = WitnessRecord(node: keyID, witnessedAt: now, checkpoint: checkpoint)
        _ = try store.log.append(kind: LogEntryKind.checkpointWitnessed.rawValue, bytes: try record.encoded(), at: now)
        try store.setLastWitness(keyID: keyID, at: now)
    }

    private func lastWitness(of keyID: String) throws -> Int64? {
        try store.lastWitness(keyID: keyID)
    }

    /// Certificates a descendant delegated, found in its log, make their subjects known descendants.
    private func learnDescendants(from entries: [NewLogEntry], of node: Descendant, at now: Int64) throws {
        for entry in entries where entry.kind == LogEntryKind.certificateDelegated.rawValue {
            guard let certificate = try? SignedCertificate(compact: String(decoding: entry.bytes, as: UTF8.self)),
                  certificate.payload.iss == node.keyID, store.verifiedSignatures.isSigned(certificate.jws, by: node.publicKey) else { continue }
            try store.insertDescendant(certificate, parentKeyID: node.keyID, at: now)
        }
    }

    // MARK: Pull

    /// What this node has for a child: its certificates, the revocations it knows and acknowledged returns.
    public func answerPull(for child: Descendant, at now: Int64) throws(NodeError) -> PullResponse {
        try storage {
            let held = try store.heldCertificates()
            var chains: [[String]] = []
            var childCertificates: Set<String> = []
            for delegation in try store.delegations() where delegation.payload.subKey == Base64URL.encode(child.publicKey.rawRepresentation) {
                let parentChain = held.first { $0.hash == delegation.payload.parent }?.chain ?? []
                chains.append(parentChain + [delegation.compact])
                childCertificates.insert(delegation.hash)
            }
            return PullResponse(certificates: chains, revocations: try store.revocations().map(\.compact),
                                returns: try store.receivedReturnHashes(fromCertificates: childCertificates))
        }
    }

    /// Takes what the parent sent: new or topped-up certificates, and revocations in this node's chain.
    public func receivePull(_ response: PullResponse, at now: Int64) throws(NodeError) {
        for chain in response.certificates {
            do {
                try accept(chain: chain, at: now)
            } catch where error.rule == .expired {
                continue  // an old delegation whose window has closed: nothing to hold
            }
        }
        for revocation in response.revocations {
            do {
                try receiveRevocation(revocation, at: now)
            } catch where error.code == .notFound {
                continue  // about a certificate outside this node's chains
            }
        }
    }
}
