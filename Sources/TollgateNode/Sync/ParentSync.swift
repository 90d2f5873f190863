import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// The parent's side of a sync with a child: storing its push (its own segment and those it relays
/// for its descendants, each through ``SegmentAcceptance``), keeping the proof when a log forks, and
/// answering its pull with its certificates, the known revocations and the returns taken.
struct ParentSync: NodePart {
    let context: NodeContext
    let log: NodeLog
    let segments: SegmentAcceptance

    /// See ``LicensingNode/receivePush(_:from:at:)``.
    func receivePush(_ push: PushRequest, from child: Descendant, at now: Int64) throws(NodeError) -> PushResponse {
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
                acked[node.keyID] = try store.transaction { try segments.accept(segment, of: node, at: now) }
            } catch let detected as EquivocationDetected {
                // The segment is refused; the proof that the log forked is kept.
                try storage {
                    try store.transaction {
                        if try store.insertFinding(detected.finding) { try log.record(detected.finding, at: now) }
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

    /// See ``LicensingNode/answerPull(for:at:)``.
    func answerPull(for child: Descendant, at now: Int64) throws(NodeError) -> PullResponse {
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
}
