import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateWire

extension MachineWallet {
    /// Where the usage chains live (``UsageChainFile``).
    static let usageFile = "usage.json"

    /// What this machine recorded of a metered license and the agent last confirmed.
    public struct UsageChain: Sendable {
        /// Hash of the license (as the activation names it).
        public var license: String
        public var records: [SignedUsageRecord]
        /// The latest receipt the agent signed, if one was installed.
        public var receipt: SignedUsageReceipt?

        /// Records not covered by the receipt: the ones still to upload.
        public var unreceipted: [SignedUsageRecord] {
            Array(records.dropFirst(Int(receipt?.payload.seq ?? 0)))
        }

        /// Units of `feature` recorded in `period`.
        public func used(_ feature: String, in period: String) -> Int64 {
            records.filter { $0.payload.feature == feature && $0.payload.period == period }
                .reduce(Int64(0)) { $0.addingReportingOverflow($1.payload.units).overflow ? .max : $0 + $1.payload.units }
        }
    }

    /// Records `units` of `feature` at `now` as the next record of this machine's chain for its
    /// installed license, offline: the license and activation must verify for this machine (the same
    /// check as ``check(at:)``), the license must meter the feature, and under a refusing overage rule
    /// (or past an `allow` ceiling) use beyond the allowance is refused with rule
    /// `usage_beyond_allowance` and nothing is recorded.
    @discardableResult
    public func recordUse(feature: String, units: Int64, at now: Int64) throws(ClientError) -> SignedUsageRecord {
        guard units >= 1, units <= ObjectLimits.maxAmount else {
            throw ClientError(.invalidArgument, "units must be 1 to \(ObjectLimits.maxAmount), got \(units)")
        }
        let verified = try check(at: now)
        guard let activation = verified.activation else { throw ClientError(.notActivated, "this machine holds no activation") }
        let lineage = activation.payload.license
        var file = try usageChains()
        let position = file.chains.firstIndex { $0.license == lineage }
        let stored = position.map { file.chains[$0] } ?? UsageChainFile.Chain(license: lineage, activation: activation.hash, records: [], receipt: nil)
        let chain = try parse(stored)
        let period = MonthPeriod.of(now)
        do throws(VerificationError) {
            try UsageVerifier.checkAllowance(verified.license.payload, feature: feature, used: chain.used(feature, in: period), adding: units,
                                             object: "use of \(feature)")
        } catch {
            throw ClientError(error, while: "the use is refused")
        }
        if let last = chain.records.last, now < last.payload.iat {
            throw ClientError(.invalidArgument, "the last record is dated \(TimeText.iso(last.payload.iat)); a record cannot be dated before it")
        }
        let head = chain.records.last.map { UsageVerifier.Head(seq: $0.payload.seq, hash: $0.hash) } ?? .genesis(activation: stored.activation)
        let payload = UsageRecord(license: lineage, machineKey: encodedMachineKey, seq: head.seq + 1, prev: head.hash, feature: feature,
                                  units: units, iat: now)
        let record: SignedUsageRecord
        do {
            record = try SignedUsageRecord.sign(payload, with: key)
        } catch {
            throw ClientError(.crypto, "cannot sign the usage record: \(error)")
        }
        var updated = stored
        updated.records.append(record.compact)
        if let position { file.chains[position] = updated } else { file.chains.append(updated) }
        try WalletFile.write(try WalletFile.encodeJSON(file, what: "usage chains"), to: url(Self.usageFile), what: "usage chains")
        return record
    }

    /// The chain of the installed license's activation, if any use was recorded.
    public func usageChain() throws(ClientError) -> UsageChain? {
        var held = try activation()
        if held == nil { held = try pendingDeactivation() }
        guard let activation = held else { return nil }
        guard let stored = try usageChains().chains.first(where: { $0.license == activation.payload.license }) else { return nil }
        return try parse(stored)
    }

    /// The records to send the agent: those its last receipt does not cover (all of them with
    /// `everything`, to send again what was sent before; the agent skips what it holds).
    public func usageUpload(everything: Bool = false) throws(ClientError) -> UsageUpload {
        guard let chain = try usageChain() else {
            throw ClientError(.invalidArgument, "no use of a metered license is recorded on this machine")
        }
        let records = everything ? chain.records : chain.unreceipted
        guard !records.isEmpty else {
            throw ClientError(.invalidArgument, "every record is covered by the agent's receipt for record \(chain.receipt?.payload.seq ?? 0); nothing to send")
        }
        return UsageUpload(records: records.prefix(UsageUpload.maxRecords).map(\.compact))
    }

    /// Installs the agent's answer to an upload, online or from a receipt file, after checking that
    /// the receipt is signed by the license's issuer (or an ancestor), is for this machine and this
    /// license, and names a head this machine recorded. Nothing is written otherwise.
    @discardableResult
    public func installUsageResult(_ result: UsageUploadResult, at now: Int64) throws(ClientError) -> SignedUsageReceipt {
        let file = try requireLicense(for: "check the usage receipt")
        let receipt: SignedUsageReceipt
        let chain: [VerifiedCertificate]
        do throws(VerificationError) {
            receipt = try SignedUsageReceipt(compact: result.receipt, maxBytes: policy.maxObjectBytes)
            chain = try verifier.verifyChain(file.chain)
        } catch {
            throw ClientError(error, while: "the usage receipt does not verify")
        }
        var signers: [String: Ed25519PublicKey] = [anchor.keyID: anchor.publicKey]
        for certificate in chain { signers[certificate.subjectKey.thumbprint] = certificate.subjectKey }
        guard let key = signers[receipt.payload.iss], receipt.jws.header.kid == receipt.payload.iss, receipt.jws.isSigned(by: key) else {
            throw ClientError(.receiptMismatch, "the usage receipt is not signed by the license's issuer or an ancestor")
        }
        var chains = try usageChains()
        guard let position = chains.chains.firstIndex(where: { $0.license == receipt.payload.license }) else {
            throw ClientError(.receiptMismatch, "the usage receipt is for license \(HashID.short(receipt.payload.license)), of which this machine recorded no use")
        }
        guard receipt.payload.machineKey == encodedMachineKey else {
            throw ClientError(.receiptMismatch, "the usage receipt is for another machine")
        }
        let recorded = try parse(chains.chains[position])
        let seq = Int(clamping: receipt.payload.seq)
        guard seq >= 1, seq <= recorded.records.count, recorded.records[seq - 1].hash == receipt.payload.head else {
            throw ClientError(.receiptMismatch, "the receipt names record \(receipt.payload.seq) \(HashID.short(receipt.payload.head)), which is not in this machine's chain (it holds \(recorded.records.count))")
        }
        if let held = recorded.receipt, held.payload.seq > receipt.payload.seq {
            return held  // an older answer changes nothing
        }
        chains.chains[position].receipt = receipt.compact
        try WalletFile.write(try WalletFile.encodeJSON(chains, what: "usage chains"), to: url(Self.usageFile), what: "usage chains")
        return receipt
    }

    func usageChains() throws(ClientError) -> UsageChainFile {
        let location = url(Self.usageFile)
        guard let data = try WalletFile.read(location, what: "usage chains") else { return UsageChainFile() }
        let file = try WalletFile.decodeJSON(UsageChainFile.self, from: data, url: location, what: "usage chains")
        guard file.format == UsageChainFile.format else {
            throw ClientError(.malformed, "\(location.path) has format \(file.format), expected \(UsageChainFile.format)")
        }
        return file
    }

    private func parse(_ stored: UsageChainFile.Chain) throws(ClientError) -> UsageChain {
        do throws(VerificationError) {
            var records: [SignedUsageRecord] = []
            for (index, compact) in stored.records.enumerated() {
                records.append(try SignedUsageRecord(compact: compact, object: "usage record[\(index)]"))
            }
            let receipt = try stored.receipt.map { compact throws(VerificationError) in try SignedUsageReceipt(compact: compact) }
            return UsageChain(license: stored.license, records: records, receipt: receipt)
        } catch {
            throw ClientError(.malformed, "the stored usage chain \(url(Self.usageFile).path) is damaged: \(error)")
        }
    }
}
