import TollgateCertificates
import TollgateCrypto

extension ChannelAudit {
    /// A license revocation one log holds (received from an ancestor, or signed by the node
    /// itself), noted where it stands in the log: the node knows of it from that entry on.
    func noteLicenseRevocation(_ compact: String, index: UInt64, signedBy key: Ed25519PublicKey?, run: inout LogRun) {
        guard let revocation = try? SignedRevocation(compact: compact), let lineage = revocation.payload.license else { return }
        if let key, !auditor.store.verifiedSignatures.isSigned(revocation.jws, by: key) { return }
        run.licenseRevocations[lineage, default: []].append((revocation, index))
    }

    /// An activation or renewal of a revoked license lineage, logged after the revocation reached
    /// the node: dated from the revocation's effective time on, or dated before the revocation was
    /// even signed (backdated past its arrival). Only a revocation signed by the license's issuer
    /// or an ancestor counts; `object` (the activation or renewal) is the node's own.
    mutating func checkLicenseRevocations(lineage: String, object: String, role: AuditEvidence.Role, iat: Int64, node: String,
                                          licenses: [String: LoggedLicense], run: LogRun) throws {
        guard let known = run.licenseRevocations[lineage], let license = licenses[lineage] else { return }
        let authorities = [auditor.identity.anchor.publicKey] + Revocations.holderKeys(license.chain)
        for (revocation, _) in known {
            guard let signer = authorities.first(where: { $0.thumbprint == revocation.payload.iss }),
                  auditor.store.verifiedSignatures.isSigned(revocation.jws, by: signer) else { continue }
            let afterEffective = iat >= revocation.payload.effective
            let backdated = iat < revocation.payload.iat - Self.backdatingTolerance
            guard afterEffective || backdated else { continue }
            let what = role == .activation ? "an activation" : "a renewal"
            var evidence = [AuditEvidence(role: .revocation, object: revocation.compact)]
            if role == .activation {
                evidence.insert(AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain), at: 0)
                evidence.append(AuditEvidence(role: .activation, object: object))
            } else {
                evidence.insert(AuditEvidence(role: .license, object: object, chain: license.chain), at: 0)
            }
            add(.usedAfterLicenseRevocation, node: node,
                "\(what) of \(license.customer)'s license dated \(TimeText.iso(iat)), after it was revoked from \(TimeText.iso(revocation.payload.effective)) "
                    + "(\(revocation.payload.reason)) and the revocation had reached the node",
                evidence)
            return
        }
    }
}
