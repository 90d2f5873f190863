/// What a log entry records; the entry's bytes are the signed object itself (or, for a witnessed
/// checkpoint, the checkpoint's signed note).
public enum LogEntryKind: String, Sendable, CaseIterable {
    case certificateReceived = "certificate-received"
    case certificateDelegated = "certificate-delegated"
    case licenseIssued = "license-issued"
    case licenseRenewed = "license-renewed"
    /// An upgrade or downgrade, an add-on or a trial's conversion: a license that follows another.
    case licenseChanged = "license-changed"
    case activation = "activation"
    case deactivation = "deactivation"
    case quotaReturned = "quota-returned"
    case returnReceived = "return-received"
    case revocationIssued = "revocation-issued"
    case revocationReceived = "revocation-received"
    case checkpointWitnessed = "checkpoint-witnessed"
    /// A lease of a floating seat (`tollgate-lease+jws`), granted, extended or borrowed.
    case leaseGranted = "lease-granted"
    /// A lease given back before its end (`tollgate-lease-release+jws`, the machine's request as proof).
    case leaseReleased = "lease-released"
    /// A site node took its binding to a floating license (the site activation, as the agent signed it).
    case siteBound = "site-bound"
    /// A lease or release from a bound site's exported log, verbatim (signed by the site), taken in
    /// after the site's checkpoint over it verified: how a closed site's leases travel up the tree.
    case siteLeaseReceived = "site-lease-received"
    /// A refusal from a bound site's exported log, verbatim (signed by the site: a lease it refused
    /// because every seat was leased), taken in like its leases, so piracy monitoring at the root
    /// sees what closed sites refused.
    case siteRefusalReceived = "site-refusal-received"
    /// An audit finding this node made about its subtree (an equivocation seen in a push, a rule
    /// broken in a descendant's log), as `AuditFinding` JSON with its evidence, so it travels up
    /// with the log and the root re-checks and adopts it.
    case findingRecorded = "finding-recorded"
    /// A machine's signed usage record, logged by the agent as the next link of its chain.
    case usageRecorded = "usage-recorded"
    /// A machine's signed usage record that forks its logged chain (a second record after one
    /// predecessor): kept as evidence of the rollback, never a link of the chain nor billed.
    case usageForked = "usage-forked"
    /// A machine's attempt to take a seat that the node refused (`tollgate-activation-refusal+jws`,
    /// signed by the node), or an hour's summary of those past the hourly cap: how refused
    /// activations and over-leasing attempts reach the root. Not a finding by itself.
    case activationRefused = "activation-refused"
    /// Licenses moved from one customer id to another (`tollgate-transfer+jws`, signed by the node,
    /// the licenses' issuer or an ancestor of it): a merger, an acquisition, a renamed company.
    case customerTransferred = "customer-transferred"
}
