import TollgateCertificates
import TollgateLedger

/// Auditing this node's subtree from its own log and the descendant logs it holds, the signed
/// objects people present to it (observations), and the vendor's reports over the same view.
struct NodeAudit: NodePart {
    let context: NodeContext
    let log: NodeLog

    /// See ``LicensingNode/audit(at:)``.
    func audit(at now: Int64) throws(NodeError) -> [AuditFinding] {
        try storage {
            var audit = try ChannelAudit(auditor: context, log: log, at: now)
            try audit.run(observations: try store.observations())
            try store.transaction {
                for finding in audit.findings where try store.insertFinding(finding) {
                    try WebhookOutbox(context: context).findingOpened(finding, at: now)
                    if !audit.adoptedIDs.contains(finding.id) { try log.record(finding, at: now) }
                }
            }
            return try store.findings()
        }
    }

    func findings() throws(NodeError) -> [AuditFinding] {
        try storage { try store.findings() }
    }

    /// See ``LicensingNode/observe(_:at:)``, the form taking an ``Observation``.
    func observe(_ observation: Observation, at now: Int64) throws(NodeError) -> Bool {
        do {
            let chain = try context.verifier.verifyChain(observation.license.chain)
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
            case .usageReceipt:
                let receipt = try SignedUsageReceipt(compact: observation.object)
                guard receipt.payload.license == license.hash || receipt.payload.license == license.payload.renews else {
                    throw NodeError(.invalidRequest, "the usage receipt names another license than the one it came with")
                }
                guard let key = signers[receipt.payload.iss], receipt.jws.isSigned(by: key) else {
                    throw NodeError(.invalidRequest, "the usage receipt is not signed by the license's issuer or an ancestor")
                }
            default:
                throw NodeError(.invalidRequest, "observations of kind \(observation.kind) are not known; send a license, activation, deactivation or usage receipt")
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

    /// See ``LicensingNode/report(_:query:at:)``.
    func report(_ name: String, query: ReportQuery, at now: Int64) throws(NodeError) -> ChannelReport {
        try query.validated()
        let view = try storage { try ChannelView(auditor: context, log: log, at: now) }
        var report = try view.report(name, query: query)
        if name == "freshness" && !identity.isRoot { report.standing = try standing(view, at: now) }
        return report
    }

    /// This node's own standing with its parent (``ChannelReport/Standing``); seats as `report quota` counts them.
    private func standing(_ view: ChannelView, at now: Int64) throws(NodeError) -> ChannelReport.Standing {
        let (held, lastSuccess, lastReceived, attempt) = try storage {
            (try store.heldCertificates(), try store.lastSyncSuccess(), try store.lastCertificateReceived(), try store.lastSyncAttempt())
        }
        let lastSync = [lastSuccess, lastReceived].compactMap { $0 }.max()
        let syncWithin = held.map(\.payload.syncWithin).min()
        let own = try view.report("quota").quota?.first { $0.node == identity.keyID }
        let used = ChannelView.total([own?.delegated ?? 0, own?.issued ?? 0, own?.returned ?? 0])
        let allocated = own?.allocated ?? 0
        return ChannelReport.Standing(node: identity.keyID, name: identity.name, lastSync: lastSync, lastAttempt: attempt?.at,
                                      lastFailure: attempt?.error, syncWithin: syncWithin,
                                      deadline: lastSync.flatMap { last in syncWithin.map { last + $0 } },
                                      seatsAllocated: allocated, seatsLeft: allocated > used ? allocated - used : 0)
    }
}
