import TollgateCertificates
import TollgateCrypto

/// Revocations in both directions: revoking a certificate this node delegated (or a license of its
/// subtree, `Revocations+Licenses`), and taking in an ancestor's revocation of a certificate in this
/// node's own chains (or of a license of its subtree).
struct Revocations: NodePart {
    let context: NodeContext
    let holdings: CertificateHoldings

    /// See ``LicensingNode/revoke(certificateHash:effective:reason:at:)``.
    func revoke(certificateHash: String, effective: Int64?, reason: String, at now: Int64) throws(NodeError) -> SignedRevocation {
        let delegations = try storage { try store.delegations() }
        let typedIDs = Set(HashID.matches(certificateHash, in: delegations.map(\.hash)))
        let matches = delegations.filter { typedIDs.contains($0.hash) || $0.payload.jti == certificateHash }
        guard matches.count == 1 else {
            let candidates = matches.map { "\(HashID.short($0.hash)) (\($0.payload.sub))" }.joined(separator: ", ")
            throw NodeError(matches.isEmpty ? .notFound : .invalidRequest,
                            matches.isEmpty ? "no certificate id starts with '\(certificateHash)' among the \(delegations.count) this node delegated"
                                + HashID.hint(for: certificateHash, in: delegations.map(\.hash))
                                : "certificate id '\(certificateHash)' is ambiguous; it starts \(candidates)")
        }
        let target = matches[0]
        return try record(Revocation(iss: identity.keyID, cert: target.hash, effective: effective ?? now, reason: reason, iat: now, jti: ids.make()),
                          at: now)
    }

    /// Checks `payload`'s fields, signs it and logs it as issued here, all or nothing.
    func record(_ payload: Revocation, at now: Int64) throws(NodeError) -> SignedRevocation {
        do {
            try payload.validateFields(object: "revocation")
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        return try storage {
            let signed = try context.signObject(payload)
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.revocationIssued.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertRevocation(signed, logIndex: index)
                try WebhookOutbox(context: context).licenseRevoked(signed)
            }
            return signed
        }
    }

    /// See ``LicensingNode/receiveRevocation(_:at:)``.
    func receiveRevocation(_ compact: String, at now: Int64) throws(NodeError) {
        let revocation: SignedRevocation
        do {
            revocation = try SignedRevocation(compact: compact)
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        if try storage({ try store.hasRevocation(hash: revocation.hash) }) { return }
        if let lineage = revocation.payload.license {
            return try receiveLicenseRevocation(revocation, lineage: lineage, compact: compact, at: now)
        }
        let chains = try holdings.heldCertificates().map(\.chain)
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
