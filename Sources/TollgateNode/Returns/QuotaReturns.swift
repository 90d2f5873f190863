import TollgateCertificates
import TollgateCrypto

/// Quota returns in both directions: a node handing free serials of a held certificate back to its
/// parent (it never uses them again), and a parent taking a child's return, after which it may
/// delegate those serials again.
struct QuotaReturns: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings

    /// See ``LicensingNode/returnQuota(_:certificateHash:at:)``.
    func returnQuota(_ seats: SerialRange, certificateHash: String?, at now: Int64) throws(NodeError) -> SignedQuotaReturn {
        guard seats.isValid else { throw NodeError(.invalidRequest, "seats \(seats) is not a valid range") }
        // The root's own certificates (`delegate --to-self`) come from its own serial space: there is
        // no parent to hand serials back to.
        guard !identity.isRoot else { throw NodeError(.invalidRequest, "the root has no parent to return serials to") }
        let held: HeldCertificate
        if let certificateHash {
            held = try holdings.heldCertificate(matching: certificateHash)
        } else if let covering = try holdings.heldCertificates().first(where: { $0.payload.seats.contains(seats) }) {
            held = covering
        } else {
            throw NodeError(.noCertificate, "no held certificate covers \(seats)")
        }
        guard held.payload.seats.contains(seats) else {
            throw NodeError(.invalidRequest, "seats \(seats) are not inside the certificate's \(held.payload.seats)")
        }
        if let used = try storage({ try store.overlappingAllocation(seats) }) {
            throw NodeError(.serialsTaken, "serials \(used.seats) inside \(seats) are already \(used.kind.rawValue)")
        }
        let payload = QuotaReturn(iss: identity.keyID, cert: held.hash, seats: seats, iat: now, jti: ids.make())
        return try storage {
            let signed = try context.signObject(payload)
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.quotaReturned.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertReturn(signed, direction: "sent", logIndex: index)
                try store.insertAllocation(SerialAllocation(seats: seats, kind: .returned, holderHash: held.hash, objectHash: signed.hash),
                                           logIndex: index, at: now)
            }
            return signed
        }
    }

    /// See ``LicensingNode/receiveReturn(_:at:)``.
    func receiveReturn(_ compact: String, at now: Int64) throws(NodeError) {
        let quotaReturn: SignedQuotaReturn
        do {
            quotaReturn = try SignedQuotaReturn(compact: compact)
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        if try storage({ try store.hasReturn(hash: quotaReturn.hash) }) { return }
        guard let delegated = try storage({ try store.delegation(hash: quotaReturn.payload.cert) }) else {
            throw NodeError(.notFound, "the returned serials come from a certificate this node did not delegate")
        }
        let childKey: Ed25519PublicKey
        do {
            childKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(delegated.payload.subKey))
        } catch {
            throw NodeError(.invalidRequest, "the child's key is unreadable: \(error)")
        }
        guard quotaReturn.payload.iss == childKey.thumbprint, quotaReturn.jws.isSigned(by: childKey) else {
            throw NodeError(.unauthorized, "the return is not signed by \(delegated.payload.sub)")
        }
        guard delegated.payload.seats.contains(quotaReturn.payload.seats) else {
            throw NodeError(.invalidRequest, "returned seats \(quotaReturn.payload.seats) are not in \(delegated.payload.sub)'s \(delegated.payload.seats)")
        }
        try storage {
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.returnReceived.rawValue, bytes: Array(compact.utf8), at: now)
                try store.insertReturn(quotaReturn, direction: "received", logIndex: index)
                try store.releaseDelegated(quotaReturn.payload.seats, objectHash: delegated.hash)
            }
        }
    }
}
