import TollgateCrypto

/// The offline rules of metered use, for the machine before it records use, the agent before it
/// logs an upload, and the audit: a record is signed by the machine it names, extends its chain by
/// exactly one link, and stays inside its license's allowance where the overage rule refuses.
public enum UsageVerifier {
    /// Where a chain stands: the last record's sequence number and hash; before the first record,
    /// sequence 0 and the hash of the machine's activation.
    public struct Head: Hashable, Sendable {
        public var seq: UInt64
        public var hash: String

        public init(seq: UInt64, hash: String) {
            self.seq = seq
            self.hash = hash
        }

        /// The start of the chain of the machine `activation` binds: nothing recorded yet.
        public static func genesis(activation hash: String) -> Head { Head(seq: 0, hash: hash) }
    }

    /// `record` is signed by the machine key it names (the JWS `kid` its thumbprint).
    public static func checkSignature(_ record: SignedUsageRecord, object: String = UsageRecord.noun) throws(VerificationError) {
        let key: Ed25519PublicKey
        do {
            key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(record.payload.machineKey))
        } catch {
            throw VerificationError(.invalidField, object, "machine_key is not an Ed25519 public key: \(error)")
        }
        guard record.jws.header.kid == key.thumbprint, record.jws.isSigned(by: key) else {
            throw VerificationError(.badSignature, object, "the record is not signed by the machine key it names")
        }
    }

    /// `record` is the next link after `head` of the chain `activation` starts (its machine, its
    /// license), signed by that machine.
    public static func checkLink(_ record: SignedUsageRecord, after head: Head, activation: Activation,
                                 object: String = UsageRecord.noun) throws(VerificationError) {
        let claims = record.payload
        guard claims.license == activation.license else {
            throw VerificationError(.usageMismatch, object, "the record is for license \(HashID.short(claims.license)), the chain for \(HashID.short(activation.license))")
        }
        guard claims.machineKey == activation.machineKey else {
            throw VerificationError(.usageMismatch, object, "the record is signed by another machine than the activated one")
        }
        guard claims.seq == head.seq + 1, claims.prev == head.hash else {
            let expected = head.seq == 0 ? "the activation" : "record \(head.seq)"
            throw VerificationError(.usageOutOfSequence, object,
                                    "record \(claims.seq) naming \(HashID.short(claims.prev)) does not follow \(expected) (\(HashID.short(head.hash))); the next is \(head.seq + 1)")
        }
        try checkSignature(record, object: object)
    }

    /// Whether a machine that used `used` units of `feature` this period may use `units` more under
    /// `license`: refused past the allowance under `refuse` and past the ceiling under `allow`.
    /// Returns how many of the new units are over the allowance (billed as overage).
    @discardableResult
    public static func checkAllowance(_ license: License, feature: String, used: Int64, adding units: Int64,
                                      object: String = UsageRecord.noun) throws(VerificationError) -> Int64 {
        guard let metering = license.metering else {
            throw VerificationError(.notMetered, object, "the license is \(license.model), not metered")
        }
        guard let allowance = metering.allowance(of: feature) else {
            throw VerificationError(.notMetered, object, "feature \(feature) is not metered by the license (it meters \(metering.allowance.map(\.feature).joined(separator: ",")))")
        }
        let (total, overflow) = used.addingReportingOverflow(units)
        if let ceiling = metering.ceiling(of: feature), overflow || total > ceiling {
            let limit = ceiling == allowance ? "the allowance of \(allowance)" : "the ceiling of \(ceiling) (\(metering.overageText) of \(allowance))"
            throw VerificationError(.usageBeyondAllowance, object,
                                    "\(units) more units of \(feature) would make \(overflow ? "more than \(Int64.max)" : "\(total)") this period, past \(limit)")
        }
        return max(0, (overflow ? Int64.max : total) - max(allowance, used))
    }
}
