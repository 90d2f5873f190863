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
                for finding in audit.findings where try store.insertFinding(finding) && !audit.adoptedIDs.contains(finding.id) {
                    try recordInLog(finding, at: now)
                }
            }
            return try store.findings()
        }
    }

    /// A node below the root writes each new finding it makes into its own log, so the finding
    /// travels up with the log and the root's audit shows it (after re-checking its evidence).
    func recordInLog(_ finding: AuditFinding, at now: Int64) throws {
        guard !identity.isRoot else { return }
        _ = try store.log.append(kind: LogEntryKind.findingRecorded.rawValue, bytes: try finding.logEntry(), at: now)
    }

    public func findings() throws(NodeError) -> [AuditFinding] {
        try storage { try store.findings() }
    }

    /// Records a license someone presented (a customer, a support case) so the audit can check that
    /// it is in its issuer's log. The file must verify up to the trust anchor's chain.
    @discardableResult
    public func observe(_ file: LicenseFile, at now: Int64) throws(NodeError) -> Bool {
        try observe(Observation(license: file), at: now)
    }

    /// Records a signed object someone presented (a license, an activation or a deactivation, with
    /// the license it belongs to) so the audit can check that its issuer logged it where it says.
    /// The license's chain must verify up to the trust anchor and the object must be signed by a
    /// holder of that chain and belong to the license; anything else is refused and nothing is stored.
    @discardableResult
    public func observe(_ observation: Observation, at now: Int64) throws(NodeError) -> Bool {
        do {
            let chain = try verifier.verifyChain(observation.license.chain)
            let license = try SignedLicense(compact: observation.license.license)
            guard license.jws.isSigned(by: chain[chain.count - 1].subjectKey) else {
                throw NodeError(.invalidRequest, "the license is not signed by the holder of its certificate")
            }
            let signers = Dictionary([(identity.anchor.keyID, identity.anchor.publicKey)] + chain.map { ($0.subjectKey.thumbprint, $0.subjectKey) },
                                     uniquingKeysWith: { first, _ in first })
            switch observation.kind {
            case .license:
                guard observation.object == observation.license.license else {
                    throw NodeError(.invalidRequest, "an observed license is the license of its file")
                }
            case .activation:
                let activation = try SignedActivation(compact: observation.object)
                guard activation.payload.license == license.hash || activation.payload.license == license.payload.renews else {
                    throw NodeError(.invalidRequest, "the activation names another license than the one it came with")
                }
                guard let key = signers[activation.payload.iss], activation.jws.isSigned(by: key) else {
                    throw NodeError(.invalidRequest, "the activation is not signed by the license's issuer or an ancestor")
                }
            case .deactivation:
                let deactivation = try SignedDeactivation(compact: observation.object)
                guard let key = signers[deactivation.payload.iss], deactivation.jws.isSigned(by: key) else {
                    throw NodeError(.invalidRequest, "the deactivation is not signed by the license's issuer or an ancestor")
                }
            default:
                throw NodeError(.invalidRequest, "observations of kind \(observation.kind) are not known; send a license, activation or deactivation")
            }
        } catch let error as VerificationError {
            throw NodeError(.invalidRequest, error)
        } catch let error as NodeError {
            throw error
        } catch {
            throw NodeError(.invalidRequest, "\(error)")
        }
        return try storage { try store.insertObservation(observation, at: now) }
    }
}
