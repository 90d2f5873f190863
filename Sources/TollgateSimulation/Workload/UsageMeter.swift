import TollgateCertificates

/// A metered machine's own usage chain, as its wallet keeps it: the head, the units it recorded
/// this period (the offline allowance check reads them), the records not yet receipted by the
/// agent, and, for a machine that will be restored from a snapshot, the state it goes back to.
struct UsageMeter {
    /// The license as the machine holds it: its metering is what the machine checks offline.
    let license: License
    /// Hash of the license the records name (the lineage's first).
    let lineage: String
    var head: UsageVerifier.Head
    /// Units recorded per period, on this chain.
    var used: [String: Int64] = [:]
    /// Records signed and not yet receipted, in sequence order.
    var pending: [SignedUsageRecord] = []
    /// Whether the machine is restored once from a snapshot (a planted rollback).
    let rollsBack: Bool
    /// The head and units before the first receipted upload: what a restored machine goes back to.
    var snapshot: (head: UsageVerifier.Head, used: [String: Int64])?
    /// Set once the restored machine has signed its forking record: it records no more.
    var forked = false

    init(license: SignedLicense, lineage: String, activation: String, rollsBack: Bool) {
        self.license = license.payload
        self.lineage = lineage
        self.head = .genesis(activation: activation)
        self.rollsBack = rollsBack
    }
}
