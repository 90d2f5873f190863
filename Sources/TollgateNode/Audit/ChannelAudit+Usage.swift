import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension ChannelAudit {
    /// Metered use across the subtree's logs, chain by chain (one machine, one license): a fork
    /// (two records after one predecessor) and use past a refusing allowance name the machine, by
    /// its key's thumbprint; a record logged without its predecessor names the node that logged
    /// it; a receipt someone showed whose head is not in its agent's log names the agent.
    mutating func auditUsage(licenses: [String: LoggedLicense], activations: [LoggedActivation], observations: [Observation]) throws {
        let records = try view.usageRecords()
        let receipts = observations.filter { $0.kind == .usageReceipt }
        guard !records.isEmpty || !receipts.isEmpty else { return }
        let byChain = Dictionary(grouping: records, by: \.chain)
        for (_, chain) in byChain.sorted(by: { $0.key < $1.key }) {
            let claims = chain[0].record.payload
            guard let license = licenses[claims.license] else { continue }
            let licenseEvidence = AuditEvidence(role: .license, object: try view.compact(node: license.node, index: license.index), chain: license.chain)
            guard let activation = activations.first(where: { $0.license == claims.license && machineKey(ofActivationAt: $0) == claims.machineKey }) else { continue }
            let activationEvidence = AuditEvidence(role: .activation, object: try view.compact(node: activation.node, index: activation.index))
            let machine = Self.machineID(claims.machineKey)
            let machineName = "machine \(HashID.short(machine)) of \(license.customer)"
            let context = [activationEvidence, licenseEvidence]

            // A fork: two records naming one predecessor.
            for (prev, successors) in Dictionary(grouping: chain, by: \.record.payload.prev).sorted(by: { $0.key < $1.key }) where successors.count > 1 {
                let pair = successors.sorted { $0.record.hash < $1.record.hash }.prefix(2)
                findings.append(AuditFinding(kind: .usageFork, node: machine, nodeName: machineName,
                                             summary: "two usage records (sequence \(pair.map { "\($0.record.payload.seq)" }.joined(separator: " and "))) follow \(HashID.short(prev)): the machine's chain was rolled back",
                                             evidence: pair.map { AuditEvidence(role: .usageRecord, object: $0.record.compact) } + context, detectedAt: now))
            }

            // A gap: a link whose predecessor is in no log, though the chain reaches past it.
            let hashes = Set(chain.map(\.record.hash))
            for item in chain where !item.forked && item.record.payload.seq > 1 && !hashes.contains(item.record.payload.prev) {
                add(.usageGap, node: item.node,
                    "logged usage record \(item.record.payload.seq) of \(machineName) without record \(item.record.payload.seq - 1) before it",
                    [AuditEvidence(role: .usageRecord, object: item.record.compact)] + (try view.entryEvidence(node: item.node, index: item.index)) + context,
                    identity: [item.record.compact])
            }

            // Use past a refusing allowance or an allow ceiling, per period and feature.
            guard let metering = try SignedLicense(compact: licenseEvidence.object).payload.metering,
                  metering.overageRule.map({ if case .bill = $0 { false } else { true } }) ?? false else { continue }
            let links = chain.filter { !$0.forked }.sorted { $0.record.payload.seq < $1.record.payload.seq }
            for (_, group) in Dictionary(grouping: links, by: { "\($0.record.payload.period) \($0.record.payload.feature)" }).sorted(by: { $0.key < $1.key }) {
                let feature = group[0].record.payload.feature
                guard let ceiling = metering.ceiling(of: feature) else { continue }
                var total: Int64 = 0
                for (offset, item) in group.enumerated() {
                    let (sum, overflow) = total.addingReportingOverflow(item.record.payload.units)
                    total = overflow ? .max : sum
                    guard total > ceiling else { continue }
                    let shown = group.prefix(offset + 1)
                    findings.append(AuditFinding(kind: .usageBeyondAllowance, node: machine, nodeName: machineName,
                                                 summary: "\(total) units of \(feature) in \(item.record.payload.period), past the \(metering.overageText) limit of \(ceiling)",
                                                 evidence: shown.map { AuditEvidence(role: .usageRecord, object: $0.record.compact) } + context,
                                                 detectedAt: now))
                    break
                }
            }
        }
        try auditUsageReceipts(receipts)
    }

    /// Receipts someone showed (a customer, with `tollgate observe --usage-receipt`): the head record
    /// must be the entry at the receipt's `log_index` of the signing agent's log.
    mutating func auditUsageReceipts(_ receipts: [Observation]) throws {
        let verifier = LicenseVerifier(anchor: auditor.identity.anchor, cache: VerifiedCertificateCache())
        for observation in receipts {
            guard let chain = try? verifier.verifyChain(observation.license.chain),
                  let license = try? SignedLicense(compact: observation.license.license),
                  let receipt = try? SignedUsageReceipt(compact: observation.object) else { continue }
            var signers: [String: Ed25519PublicKey] = [auditor.identity.anchor.keyID: auditor.identity.anchor.publicKey]
            for certificate in chain { signers[certificate.subjectKey.thumbprint] = certificate.subjectKey }
            let claims = receipt.payload
            guard let key = signers[claims.iss], receipt.jws.isSigned(by: key),
                  let log = view.logs[claims.iss], !log.isSelf, let entry = try log.entry(at: claims.logIndex) else { continue }
            guard JWS.hash(of: String(decoding: entry.bytes, as: UTF8.self)) != claims.head else { continue }
            add(.unloggedUsage, node: claims.iss,
                "receipted usage record \(claims.seq) (\(HashID.short(claims.head))) is not at log index \(claims.logIndex) of \(log.name)'s log",
                [AuditEvidence(role: .usageReceipt, object: receipt.compact), AuditEvidence(role: .license, object: license.compact, chain: observation.license.chain)]
                    + (try view.entryEvidence(node: claims.iss, index: claims.logIndex)),
                identity: [receipt.compact])
        }
    }

    /// How a finding names a machine: the RFC 7638 thumbprint of its key, as its requests' `kid`.
    static func machineID(_ machineKey: String) -> String {
        (try? Ed25519PublicKey(rawRepresentation: Base64URL.decode(machineKey)))?.thumbprint ?? machineKey
    }

    private func machineKey(ofActivationAt activation: LoggedActivation) -> String? {
        (try? view.compact(node: activation.node, index: activation.index)).flatMap { try? SignedActivation(compact: $0).payload.machineKey }
    }
}
