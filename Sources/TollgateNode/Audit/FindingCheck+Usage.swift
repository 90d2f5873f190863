import TollgateCertificates
import TollgateCrypto
import TollgateLedger

extension FindingCheck.Context {
    /// Metered-use findings from their evidence: the license and its chain, the activation that
    /// binds the machine, and the machine-signed records (a fork, use past a refusing allowance, a
    /// record logged without its predecessor), or the agent-signed receipt and the entry its
    /// `log_index` names.
    func usage() throws {
        let (license, chain) = try license(try one(.license))
        if finding.kind == .unloggedUsage {
            try unloggedUsage(license: license)
            return
        }
        let activation = try activation(try one(.activation), license: license, chain: chain)
        let lineage = license.payload.renews ?? license.hash
        let records = try items(.usageRecord).map { item in
            let record = try SignedUsageRecord(compact: item.object)
            try UsageVerifier.checkSignature(record)
            guard record.payload.machineKey == activation.payload.machineKey, record.payload.license == lineage else {
                throw usageUnproven("a usage record is of another machine or license than the activation")
            }
            return record
        }
        guard Set(records.map(\.hash)).count == records.count, let first = records.first else { throw usageUnproven("the usage records are missing or repeated") }
        switch finding.kind {
        case .usageFork:
            guard records.count == 2, records[0].payload.prev == records[1].payload.prev else {
                throw usageUnproven("the two records do not follow one predecessor")
            }
            guard finding.node == ChannelAudit.machineID(activation.payload.machineKey) else { throw usageUnproven("the finding names another machine") }
        case .usageBeyondAllowance:
            guard let metering = license.payload.metering, let ceiling = metering.ceiling(of: first.payload.feature) else {
                throw usageUnproven("the license does not limit the feature's use")
            }
            guard records.allSatisfy({ $0.payload.period == first.payload.period && $0.payload.feature == first.payload.feature }) else {
                throw usageUnproven("the records are of different periods or features")
            }
            let total = records.reduce(Int64(0)) { $0.addingReportingOverflow($1.payload.units).overflow ? .max : $0 + $1.payload.units }
            guard total > ceiling else { throw usageUnproven("the records add up to \(total) units, within the limit of \(ceiling)") }
            guard finding.node == ChannelAudit.machineID(activation.payload.machineKey) else { throw usageUnproven("the finding names another machine") }
        case .usageGap:
            guard let (entry, checkpoint) = pairs(.entry).first else { throw usageUnproven("the record's log entry is missing") }
            let logged = try loggedEntry(entry, checkpoint: checkpoint)
            guard logged.bytes == Array(first.compact.utf8), checkpoint.node == finding.node else {
                throw usageUnproven("the entry is not the record, or not in the named node's log")
            }
            guard first.payload.seq > 1 else { throw usageUnproven("the first record of a chain has no predecessor to miss") }
        default:
            throw usageUnproven("no usage check for \(finding.kind)")
        }
    }

    private func unloggedUsage(license: SignedLicense) throws {
        let receipt = try SignedUsageReceipt(compact: try one(.usageReceipt).object)
        guard let key = keys[receipt.payload.iss], receipt.jws.isSigned(by: key) else { throw usageUnproven("the receipt's signature does not verify") }
        guard receipt.payload.license == (license.payload.renews ?? license.hash) || receipt.payload.license == license.hash else {
            throw usageUnproven("the receipt names another license")
        }
        guard let (entry, checkpoint) = pairs(.entry).first else { throw usageUnproven("the entry at the receipt's log index is missing") }
        guard checkpoint.node == receipt.payload.iss, entry.index == receipt.payload.logIndex, finding.node == receipt.payload.iss else {
            throw usageUnproven("the entry shown is not at the receipt's log index of the agent's log")
        }
        let logged = try loggedEntry(entry, checkpoint: checkpoint)
        guard JWS.hash(of: String(decoding: logged.bytes, as: UTF8.self)) != receipt.payload.head else {
            throw usageUnproven("the receipted head is in the log where the receipt says")
        }
    }
}

private func usageUnproven(_ reason: String, file: String = #fileID, line: UInt = #line) -> NodeError {
    NodeError(.findingUnproven, reason, file: file, line: line)
}
