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
        var findings: [String: String] = [:]
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
                acked[node.keyID] = try store.transaction {
                    let held = try store.mirrorLog(keyID: node.keyID).size
                    let size = try segments.accept(segment, of: node, at: now)
                    if size > held { try WebhookOutbox(context: context).syncReceived(from: node, entries: size - held, size: size, at: now) }
                    return size
                }
            } catch let detected as EquivocationDetected {
                // The segment is refused; the proof that the log forked is kept.
                try storage {
                    try store.transaction {
                        if try store.insertFinding(detected.finding) {
                            try log.record(detected.finding, at: now)
                            try WebhookOutbox(context: context).findingOpened(detected.finding, at: now)
                        }
                    }
                }
                refused[node.keyID] = "\(detected.refusal) (finding \(detected.finding.id))"
                findings[node.keyID] = detected.finding.id
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
        return PushResponse(acked: acked, refused: refused, findings: findings.isEmpty ? nil : findings)
    }

    /// See ``LicensingNode/answerPull(for:from:at:)``.
    func answerPull(for child: Descendant, from position: UInt64, at now: Int64) throws(NodeError) -> PullResponse {
        try storage {
            // Every object a pull carries was logged by this node: a page is the objects logged from
            // `position` on, in log order, so the next page starts where this one stopped.
            enum Object { case chain([String]), revocation(String), returned(String) }
            var objects: [(index: UInt64, object: Object, bytes: Int)] = []
            let held = try store.heldCertificates()
            var childCertificates: Set<String> = []
            let childKey = Base64URL.encode(child.publicKey.rawRepresentation)
            for (delegation, index) in try store.loggedDelegations() where delegation.payload.subKey == childKey {
                childCertificates.insert(delegation.hash)
                guard index >= position else { continue }
                let chain = (held.first { $0.hash == delegation.payload.parent }?.chain ?? []) + [delegation.compact]
                objects.append((index, .chain(chain), chain.reduce(0) { $0 + $1.utf8.count }))
            }
            for (compact, index) in try store.loggedRevocations(from: position, limit: PullResponse.maxObjects + 1) {
                objects.append((index, .revocation(compact), compact.utf8.count))
            }
            for (hash, index) in try store.receivedReturns(fromCertificates: childCertificates, from: position, limit: PullResponse.maxObjects + 1) {
                objects.append((index, .returned(hash), hash.utf8.count))
            }
            objects.sort { $0.index < $1.index }
            var page = PullResponse(certificates: [], revocations: [], returns: [])
            var bytes = 0, taken = 0
            for entry in objects {
                guard taken == 0 || (taken < PullResponse.maxObjects && bytes + entry.bytes <= PullResponse.maxBytes) else {
                    page.next = entry.index
                    break
                }
                switch entry.object {
                case .chain(let chain): page.certificates.append(chain)
                case .revocation(let compact): page.revocations.append(compact)
                case .returned(let hash): page.returns.append(hash)
                }
                bytes += entry.bytes
                taken += 1
            }
            return page
        }
    }
}
