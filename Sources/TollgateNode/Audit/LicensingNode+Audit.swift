import TollgateCertificates
import TollgateLedger

extension LicensingNode {
    /// Audits this node's subtree from its own log and the descendant logs it holds; stores each
    /// new finding once and returns every finding stored.
    @discardableResult
    public func audit(at now: Int64) throws(NodeError) -> [AuditFinding] {
        try storage {
            var audit = try ChannelAudit(auditor: self, at: now)
            try audit.run(observations: try store.observations())
            try store.transaction {
                for finding in audit.findings { try store.insertFinding(finding) }
            }
            return try store.findings()
        }
    }

    public func findings() throws(NodeError) -> [AuditFinding] {
        try storage { try store.findings() }
    }

    /// Records a license someone presented (a customer, a support case) so the audit can check that
    /// it is in its issuer's log. The file must verify up to the trust anchor's chain.
    @discardableResult
    public func observe(_ file: LicenseFile, at now: Int64) throws(NodeError) -> Bool {
        do {
            _ = try verifier.verifyChain(file.chain)
            _ = try SignedLicense(compact: file.license)
        } catch {
            throw NodeError(.invalidRequest, error)
        }
        return try storage { try store.insertObservation(kind: "license", object: file.license, chain: file.chain, at: now) }
    }
}
