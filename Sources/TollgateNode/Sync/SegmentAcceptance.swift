import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateWire

/// What a parent does with one segment of a descendant's log: checks it against the node's key,
/// its checkpoint and the copy already held, appends it to that copy, witnesses the checkpoint in
/// this node's own log, learns the descendants it delegated to and, from a direct child, takes in
/// the quota returns the segment carries.
struct SegmentAcceptance: NodePart {
    let context: NodeContext
    let returns: QuotaReturns

    /// Checks one segment of `node`'s log against its key, its signed checkpoint and the copy held;
    /// appends what is new to the copy and returns the size now held. Runs inside the caller's
    /// transaction; throws ``EquivocationDetected`` when the segment contradicts held entries or a head
    /// the node signed before.
    func accept(_ segment: LogSegment, of node: Descendant, at now: Int64) throws -> UInt64 {
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
            // A segment inside what is held: nothing new, nothing contradicted. The next one starts at
            // its end, so a child walking its log again (after a conflict) has every entry compared.
            return end
        }
        guard try mirror.rootHash(atSize: end) == checkpoint.checkpoint.rootHash else {
            throw NodeError(.logConflict, "the checkpoint's root does not match the log held plus these entries; resend from 0")
        }
        // Heads the node committed to before, now reached, must be what it sent.
        if end > held {
            for kept in try store.mirrorCheckpoints(keyID: node.keyID, in: (held + 1)...end) {
                let signed = try store.verifiedSignatures.checkpoint(kept.checkpoint, name: origin, publicKey: node.publicKey)
                let root = try mirror.rootHash(atSize: kept.size)
                guard root == signed.checkpoint.rootHash else {
                    throw EquivocationDetected(node: node, kept: signed, contradictedBy: checkpoint, rootAtKeptSize: root,
                                               proof: try mirror.consistencyProof(from: kept.size, to: end), at: now)
                }
            }
        }
        let head = try self.head(of: segment, at: checkpoint, origin: origin, node: node)
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
        if identity.isRoot {
            try store.deleteMirrorCheckpoints(keyID: node.keyID, below: end + 1)  // a root relays nothing: keep only heads ahead
        } else {
            try store.insertMirrorCheckpoint(keyID: node.keyID, size: end, checkpoint: segment.checkpoint)
        }
        if let head {
            // A head of a size the node already signed another head for: two checkpoints of one size.
            if let kept = try store.mirrorCheckpoints(keyID: node.keyID, in: head.checkpoint.size...head.checkpoint.size).first,
               kept.checkpoint != head.text {
                let signed = try store.verifiedSignatures.checkpoint(kept.checkpoint, name: origin, publicKey: node.publicKey)
                if signed.checkpoint.rootHash != head.checkpoint.rootHash {
                    throw EquivocationDetected(node: node, kept: signed, contradictedBy: head, rootAtKeptSize: head.checkpoint.rootHash, proof: [], at: now)
                }
            }
            try store.insertMirrorCheckpoint(keyID: node.keyID, size: head.checkpoint.size, checkpoint: head.text)
        }
        let lastWitnessed = try lastWitness(of: node.keyID) ?? 0
        if grew || now - lastWitnessed >= max(60, node.syncWithin / 8) {
            // The head when there is one: it dates all the node had logged, not just what arrived.
            try witness(head?.text ?? segment.checkpoint, of: node.keyID, at: now)
        }
        try learnDescendants(from: decoded, of: node, at: now)
        if node.parentKeyID == identity.keyID, end > held {
            try takeReturns(from: decoded[Int(held - segment.from)...], at: now)
        }
        return end
    }

    /// The segment's head, checked: signed by the node, beyond the segment's end and consistent with
    /// the checkpoint there (which the held entries now match). Nil when the segment has none.
    private func head(of segment: LogSegment, at checkpoint: SignedCheckpoint, origin: String, node: Descendant) throws -> SignedCheckpoint? {
        guard let text = segment.head, let proofText = segment.headProof else { return nil }
        let head: SignedCheckpoint
        do {
            head = try store.verifiedSignatures.checkpoint(text, name: origin, publicKey: node.publicKey)
        } catch {
            throw NodeError(.unauthorized, "the head checkpoint is not signed by \(node.subject): \(error)")
        }
        let end = checkpoint.checkpoint.size
        guard head.checkpoint.origin == origin, head.checkpoint.size > end else {
            throw NodeError(.invalidRequest, "the head checkpoint (size \(head.checkpoint.size)) does not lie beyond the segment's end (\(end))")
        }
        let proof = try proofText.map { try Base64URL.decode($0) }
        if end > 0 {
            do {
                try MerkleProof.verifyConsistency(oldSize: end, newSize: head.checkpoint.size, oldRoot: checkpoint.checkpoint.rootHash,
                                                  newRoot: head.checkpoint.rootHash, proof: proof)
            } catch {
                throw NodeError(.invalidRequest, "the head checkpoint (size \(head.checkpoint.size)) does not extend the segment's: \(error.reason)")
            }
        }
        return head
    }

    /// A child's quota returns, new in its pushed log, are taken in as `receiveReturn` takes one
    /// carried by hand: the push is their transport, and its signature and the log's their proof of
    /// origin. A return the child should not have signed (seats outside its certificate) stays in its
    /// log for the audit and frees nothing.
    private func takeReturns(from entries: ArraySlice<NewLogEntry>, at now: Int64) throws {
        for entry in entries where entry.kind == LogEntryKind.quotaReturned.rawValue {
            do throws(NodeError) {
                try returns.receiveReturn(String(decoding: entry.bytes, as: UTF8.self), at: now)
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
}
