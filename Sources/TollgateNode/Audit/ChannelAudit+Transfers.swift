import TollgateCertificates

extension ChannelAudit {
    /// A customer transfer a node signed: each license it moves must be one the node issued or is
    /// an ancestor of the issuer of (as for a revocation or an upgrade); else `unauthorized_transfer`
    /// against the node, with the license and the transfer (and the chain of the node's own
    /// certificate, which holds the key that signed it). Licenses the view does not hold are
    /// another subtree's and left to the auditor that holds them.
    mutating func checkTransfer(_ compact: String, of log: AuditedLog, licenses: [String: LoggedLicense]) throws {
        guard let transfer = try? SignedCustomerTransfer(compact: compact), transfer.payload.iss == log.node,
              auditor.store.verifiedSignatures.isSigned(transfer.jws, by: log.key) else { return }
        for lineage in transfer.payload.licenses {
            guard let license = licenses[lineage], !Self.authorities(of: license.chain).contains(log.node) else { continue }
            add(.unauthorizedTransfer, node: log.node,
                "moved \(license.customer)'s license \(HashID.short(lineage)) to \(transfer.payload.to), a license it is neither the issuer nor an ancestor of the issuer of",
                [AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain),
                 AuditEvidence(role: .customerTransfer, object: transfer.compact, chain: chain(of: log.node))],
                identity: [transfer.compact, lineage])
        }
    }
}
