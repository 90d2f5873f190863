import TollgateCertificates
import TollgateCrypto

extension LicensingNode {
    // MARK: Renewal

    /// Extends a subscription (or trial) with a new license for the same customer and serials. It
    /// names the first license of the lineage in `renews`, so existing activations stay valid.
    public func renew(licenseHash: String, exp: Int64, price: Price? = nil, at now: Int64) throws(NodeError) -> LicenseFile {
        guard let current = try storage({ try store.currentLicense(hash: licenseHash) }),
              let lineage = try storage({ try store.lineage(of: licenseHash) }) else {
            throw NodeError(.notFound, "license \(licenseHash) was not issued by this node")
        }
        let old = current.payload
        guard old.model != "perpetual" else { throw NodeError(.invalidRequest, "a perpetual license does not need renewing") }
        guard exp > (old.exp ?? now), exp > now else {
            throw NodeError(.invalidRequest, "the new end \(exp) must be after the current end \(old.exp ?? now) and after now")
        }
        let held = try heldCertificate(matching: old.cert)
        var payload = License(iss: identity.keyID, cert: held.hash, seats: old.seats, customer: old.customer, country: old.country,
                              territory: old.territory, product: old.product, features: old.features, model: old.model,
                              price: price ?? old.price, iat: now, nbf: now, exp: exp, logIndex: 0, jti: ids.make(), renews: lineage)
        do {
            try payload.validateFields(object: "renewal")
            try LicenseRules.check(payload, within: held.payload, object: "renewal")
        } catch {
            throw NodeError(.ruleViolation, error)
        }
        try checkSyncFreshness(held.payload, at: now)
        let revoked = try storage { try store.revocations() }.contains { $0.payload.cert == held.hash && $0.payload.effective <= now }
        guard !revoked else { throw NodeError(.noCertificate, "the certificate this license was issued under is revoked") }
        return try storage {
            try store.transaction {
                payload.logIndex = try store.log.size
                let signed = try signObject(payload)
                let index = try store.log.append(kind: LogEntryKind.licenseRenewed.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertLicense(signed, logIndex: index)
                return LicenseFile(chain: held.chain, license: signed.compact)
            }
        }
    }

    // MARK: Quota return

    /// Hands `seats` (free serials of a held certificate) back to the parent. The node never uses
    /// them again; the return travels to the parent with the next sync.
    public func returnQuota(_ seats: SerialRange, certificateHash: String? = nil, at now: Int64) throws(NodeError) -> SignedQuotaReturn {
        guard seats.isValid else { throw NodeError(.invalidRequest, "seats \(seats) is not a valid range") }
        let held: HeldCertificate
        if let certificateHash {
            held = try heldCertificate(matching: certificateHash)
        } else if let covering = try heldCertificates().first(where: { $0.payload.seats.contains(seats) }) {
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
            let signed = try signObject(payload)
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.quotaReturned.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertReturn(signed, direction: "sent", logIndex: index)
                try store.insertAllocation(SerialAllocation(seats: seats, kind: .returned, holderHash: held.hash, objectHash: signed.hash),
                                           logIndex: index, at: now)
            }
            return signed
        }
    }

    /// Takes a child's quota return: from then on the serials may be delegated again. Receiving the
    /// same return twice changes nothing.
    public func receiveReturn(_ compact: String, at now: Int64) throws(NodeError) {
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

    // MARK: Revocation

    /// Revokes a certificate this node delegated: licenses issued under it from `effective` on are
    /// invalid, earlier ones stay valid.
    public func revoke(certificateHash: String, effective: Int64? = nil, reason: String, at now: Int64) throws(NodeError) -> SignedRevocation {
        let delegations = try storage { try store.delegations() }
        let matches = delegations.filter { $0.hash.hasPrefix(certificateHash) || $0.payload.jti == certificateHash }
        guard matches.count == 1 else {
            throw NodeError(matches.isEmpty ? .notFound : .invalidRequest,
                            matches.isEmpty ? "this node delegated no certificate \(certificateHash)" : "several certificates match \(certificateHash)")
        }
        let target = matches[0]
        let payload = Revocation(iss: identity.keyID, cert: target.hash, effective: effective ?? now, reason: reason, iat: now, jti: ids.make())
        do {
            try payload.validateFields(object: "revocation")
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        return try storage {
            let signed = try signObject(payload)
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.revocationIssued.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertRevocation(signed, logIndex: index)
            }
            return signed
        }
    }

    /// Takes a revocation from an ancestor that concerns this node's chain, after checking who signed it.
    public func receiveRevocation(_ compact: String, at now: Int64) throws(NodeError) {
        let revocation: SignedRevocation
        do {
            revocation = try SignedRevocation(compact: compact)
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        if try storage({ try store.hasRevocation(hash: revocation.hash) }) { return }
        let chains = try heldCertificates().map(\.chain)
        guard let chain = chains.first(where: { chain in chain.contains { JWS.hash(of: $0) == revocation.payload.cert } }) else {
            throw NodeError(.notFound, "the revocation names no certificate in this node's chains")
        }
        let index = chain.firstIndex { JWS.hash(of: $0) == revocation.payload.cert }!
        var signers = [identity.anchor.publicKey]
        for compact in chain[..<index] {
            if let certificate = try? SignedCertificate(compact: compact), let raw = try? Base64URL.decode(certificate.payload.subKey),
               let key = try? Ed25519PublicKey(rawRepresentation: raw) {
                signers.append(key)
            }
        }
        guard let signer = signers.first(where: { $0.thumbprint == revocation.payload.iss }), revocation.jws.isSigned(by: signer) else {
            throw NodeError(.unauthorized, "the revocation is not signed by an ancestor of the revoked certificate")
        }
        try storage {
            try store.transaction {
                let logIndex = try store.log.append(kind: LogEntryKind.revocationReceived.rawValue, bytes: Array(compact.utf8), at: now)
                try store.insertRevocation(revocation, logIndex: logIndex)
            }
        }
    }
}
