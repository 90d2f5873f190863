import TollgateCertificates
import TollgateCrypto

/// Revoking one license (a refund, a fraud, a chargeback) at its issuer or an ancestor, and taking
/// in such a revocation from an ancestor. The revocation names the lineage's first license, so it
/// covers every renewal; it travels up with the log and down with the pulls, as a certificate's does.
extension Revocations {
    /// See ``LicensingNode/revoke(license:effective:reason:at:)``.
    func revoke(license typed: String, effective: Int64?, reason reasonText: String, at now: Int64) throws(NodeError) -> SignedRevocation {
        guard let reason = Revocation.LicenseReason(rawValue: reasonText) else {
            throw NodeError(.invalidRequest, "reason '\(reasonText)' is not one a license is revoked for: "
                            + Revocation.LicenseReason.allCases.map(\.rawValue).joined(separator: ", "), rule: .invalidField)
        }
        let license = try revocableLicense(named: typed)
        let lineage = license.lineage
        if let earlier = try storage({ try store.licenseRevocations(lineage: lineage) }).first {
            throw NodeError(.invalidRequest, "license \(HashID.short(lineage)) (\(license.payload.customer)) is already revoked from "
                            + "\(TimeText.iso(earlier.payload.effective)) (\(earlier.payload.reason)) by revocation \(HashID.short(earlier.hash))",
                            rule: .licenseRevoked)
        }
        return try record(Revocation(iss: identity.keyID, license: lineage, effective: effective ?? now, reason: reason, iat: now, jti: ids.make()),
                          at: now)
    }

    /// The one license `typed` (a whole hash or a unique prefix) names among those this node issued
    /// and those its descendants logged: the licenses it is the issuer or an ancestor of.
    private func revocableLicense(named typed: String) throws(NodeError) -> SignedLicense {
        guard typed.count >= HashID.minimumPrefix else {
            throw NodeError(.invalidRequest, "license id '\(typed)' is too short: give at least \(HashID.minimumPrefix) characters "
                            + "of the id 'tollgate list licenses' prints")
        }
        let own = try storage { try store.licenses() }
        let mirrored = try storage { try store.mirroredLicenses() }
        var byHash: [String: SignedLicense] = [:]
        for license in own + mirrored { byHash[license.hash] = license }
        let matches = HashID.matches(typed, in: byHash.keys).sorted()
        switch matches.count {
        case 1:
            return byHash[matches[0]]!
        case 0:
            throw NodeError(.notFound, "no license id starts with '\(typed)' among the \(byHash.count) licenses this node and its descendants issued; "
                            + "a node revokes licenses of its own subtree only" + HashID.hint(for: typed, in: byHash.keys))
        default:
            let listed = matches.map { "\(HashID.short($0)) (\(byHash[$0]!.payload.customer))" }
            throw NodeError(.invalidRequest, "license id '\(typed)' is ambiguous; it starts \(listed.joined(separator: ", "))")
        }
    }

    /// Takes an ancestor's revocation of a license this node issued or mirrors for a descendant,
    /// after checking that the license's issuer or an ancestor of it signed it.
    func receiveLicenseRevocation(_ revocation: SignedRevocation, lineage: String, compact: String, at now: Int64) throws(NodeError) {
        var signers = [identity.anchor.publicKey]
        if let license = try storage({ try store.license(hash: lineage) }) {
            signers += Self.holderKeys(try holdings.heldCertificate(matching: license.payload.cert).chain)
        } else if try storage({ try store.mirroredLicenses() }).contains(where: { $0.hash == lineage }) {
            // A descendant's license: every holder of this node's chains is an ancestor of its issuer.
            for held in try holdings.heldCertificates() { signers += Self.holderKeys(held.chain) }
        } else {
            throw NodeError(.notFound, "the revocation names license \(HashID.short(lineage)), which neither this node nor its descendants issued")
        }
        guard let signer = signers.first(where: { $0.thumbprint == revocation.payload.iss }), revocation.jws.header.kid == signer.thumbprint,
              revocation.jws.isSigned(by: signer) else {
            throw NodeError(.unauthorized, "the revocation of license \(HashID.short(lineage)) is signed by \(revocation.payload.iss), "
                            + "neither the license's issuer nor an ancestor", rule: .revocationNotAuthorized)
        }
        try storage {
            try store.transaction {
                let logIndex = try store.log.append(kind: LogEntryKind.revocationReceived.rawValue, bytes: Array(compact.utf8), at: now)
                try store.insertRevocation(revocation, logIndex: logIndex)
            }
        }
    }

    /// The subject keys of `chain`'s certificates, root first.
    static func holderKeys(_ chain: [String]) -> [Ed25519PublicKey] {
        chain.compactMap { compact in
            (try? SignedCertificate(compact: compact)).flatMap { try? Base64URL.decode($0.payload.subKey) }
                .flatMap { try? Ed25519PublicKey(rawRepresentation: $0) }
        }
    }
}
