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

    /// See ``LicensingNode/makePush(at:budget:)``.
    func makePush(at now: Int64, budget: PushBudget) throws(NodeError) -> PushRequest {
        var room = Room(bytes: budget.bytes - 16, entries: budget.entries)
        let own = try ownSegment(at: now, room: &room)
        let relayed = try storage { try relays(room: &room, carried: !own.entries.isEmpty) }
        return PushRequest(segments: [own] + relayed)
    }

    /// What is left of a push's budget while its segments are cut.
    struct Room {
        var bytes: Int
        var entries: Int

        /// How many of the entries with `lengths` fit, in order, after `fixed` bytes.
        func fitting(_ lengths: [(kind: Int, bytes: Int)], after fixed: Int) -> (count: Int, bytes: Int) {
            var used = fixed, count = 0
            for length in lengths.prefix(max(0, entries)) {
                let cost = PushBudget.entryCost(kindBytes: length.kind, entryBytes: length.bytes)
                guard used + cost <= bytes else { break }
                used += cost
                count += 1
            }
            return (count, used)
        }
    }

    /// Hashes a consistency proof between two sizes below `size` can hold at most (RFC 9162: about
    /// two a level).
    private static func proofBound(_ size: UInt64) -> Int {
        2 * (64 - size.leadingZeroBitCount) + 2
    }

    /// This node's entries from the parent's acknowledged size, as many as fit `room` (at least one
    /// when there is one), with a checkpoint at their end; when that is before the log's end, the
    /// checkpoint of the whole log as its head. Reads only the entries it sends.
    private func ownSegment(at now: Int64, room: inout Room) throws(NodeError) -> LogSegment {
        let head = try log.signCheckpoint(at: now)
        let size = head.checkpoint.size
        let (acked, count) = try storage {
            let acked = min(try store.upstreamAcked(keyID: identity.keyID), size)
            let lengths = try store.log.entryLengths(in: acked..<min(size, acked + UInt64(max(1, room.entries))))
            let fixed = PushBudget.segmentCost(node: identity.keyID, checkpoint: head.text, head: head.text, proofHashes: 2 * Self.proofBound(size))
            let (fitting, used) = room.fitting(lengths, after: fixed)
            let count = lengths.isEmpty ? 0 : max(1, fitting)
            room.bytes -= fitting == count ? used : room.bytes
            room.entries -= count
            return (acked, UInt64(count))
        }
        let end = acked + count
        let checkpoint = end == size ? head : try log.signCheckpoint(size: end, at: now)
        return try storage {
            let entries = try store.log.entries(in: acked..<end).map {
                LogSegment.Entry(kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
            }
            let proof = acked == 0 ? [] : try store.log.consistencyProof(from: acked, to: end)
            let headProof = end == size ? nil : try store.log.consistencyProof(from: end, to: size).map { Base64URL.encode($0) }
            return LogSegment(node: identity.keyID, from: acked, entries: entries, checkpoint: checkpoint.text,
                              proofFrom: acked, proof: proof.map { Base64URL.encode($0) }, head: end == size ? nil : head.text, headProof: headProof)
        }
    }

    /// The descendants' logs this node holds beyond what the parent acknowledged, parents first,
    /// each cut at the largest size it holds the descendant's signed checkpoint for that fits `room`.
    /// A segment that cannot be cut to fit goes whole only in a push that carries nothing else, so
    /// every push moves something.
    private func relays(room: inout Room, carried: Bool) throws -> [LogSegment] {
        var segments: [LogSegment] = []
        var carried = carried
        for descendant in try orderedDescendants() {
            let state = try store.mirrorState(keyID: descendant.keyID)
            guard let latest = state.checkpoint else { continue }
            let acked = try store.upstreamAcked(keyID: descendant.keyID)
            // The parent holds as much as this node does (and so a checkpoint at that size): nothing to relay.
            guard acked < state.size else { continue }
            var ends = try store.mirrorCheckpoints(keyID: descendant.keyID, in: (acked + 1)...state.size)
            if ends.last?.size != state.size { ends.append((state.size, latest)) }
            let mirror = try store.mirrorLog(keyID: descendant.keyID)
            let lengths = try mirror.entryLengths(in: acked..<min(state.size, acked + UInt64(max(0, room.entries))))
            let fixed = PushBudget.segmentCost(node: descendant.keyID, checkpoint: latest, head: nil, proofHashes: Self.proofBound(state.size))
            let (fitting, _) = room.fitting(lengths, after: fixed)
            guard let cut = ends.last(where: { $0.size - acked <= UInt64(fitting) }) ?? (carried ? nil : ends.first) else { break }
            let entries = try mirror.entries(in: acked..<cut.size).map {
                LogSegment.Entry(kind: $0.kind, bytes: Base64URL.encode($0.bytes), appendedAt: $0.appendedAt)
            }
            let proof = acked == 0 ? [] : try mirror.consistencyProof(from: acked, to: cut.size)
            segments.append(LogSegment(node: descendant.keyID, from: acked, entries: entries, checkpoint: cut.checkpoint,
                                       proofFrom: acked, proof: proof.map { Base64URL.encode($0) }))
            let count = Int(cut.size - acked)
            room.entries -= count
            room.bytes -= fixed + lengths.prefix(count).reduce(0) { $0 + PushBudget.entryCost(kindBytes: $1.kind, entryBytes: $1.bytes) }
            carried = true
        }
        return segments
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
    func recordPushResponse(_ response: PushResponse, pushed: PushRequest, at now: Int64) throws(NodeError) -> Bool {
        do {
            try response.validate()
        } catch {
            throw NodeError(.invalidRequest, "the parent's push answer: \(error.reason)")
        }
        return try storage {
            try store.transaction {
                for (keyID, size) in response.acked {
                    try store.setUpstreamAcked(keyID: keyID, size: size)
                    try store.deleteMirrorCheckpoints(keyID: keyID, below: size)
                }
                let own = pushed.segments.first { $0.node == identity.keyID }
                let ownTaken = response.refused[identity.keyID] == nil && own.map { response.acked[identity.keyID] == $0.end } ?? false
                if ownTaken {
                    try store.recordSyncSuccess(at: now)
                } else {
                    try store.recordSyncFailure(response.refused[identity.keyID] ?? "the parent holds \(response.acked[identity.keyID] ?? 0) entries", at: now)
                }
                // Another push is worth making once this one moved something and left something behind.
                let moved = pushed.segments.contains { !$0.entries.isEmpty && (response.acked[$0.node] ?? 0) > $0.from }
                guard ownTaken, moved else { return false }
                if own?.head != nil { return true }
                for descendant in try store.descendants() where response.refused[descendant.keyID] == nil {
                    if try store.upstreamAcked(keyID: descendant.keyID) < store.mirrorState(keyID: descendant.keyID).size { return true }
                }
                return false
            }
        }
    }

    /// See ``LicensingNode/recordSyncFailure(_:at:)``.
    func recordSyncFailure(_ reason: String, at now: Int64) throws(NodeError) {
        try storage { try store.recordSyncFailure(reason, at: now) }
    }

    /// See ``LicensingNode/receivePull(_:at:)``.
    func receivePull(_ response: PullResponse, at now: Int64) throws(NodeError) {
        do {
            try storage {
                try store.transaction {
                    try apply(response, at: now)
                    // The last page's start stays the cursor: the next round reads that page again,
                    // with what the parent logged since.
                    if let next = response.next { try store.setPullCursor(next) }
                }
            }
        } catch {
            holdings.discardCache()  // it may have read certificates the rollback took back
            throw error
        }
    }

    /// Takes in a page's certificates and revocations; runs inside the caller's transaction.
    private func apply(_ response: PullResponse, at now: Int64) throws(NodeError) {
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

    /// See ``LicensingNode/pullCursor()``.
    func pullCursor() throws(NodeError) -> UInt64 {
        try storage { try store.pullCursor() }
    }
}
