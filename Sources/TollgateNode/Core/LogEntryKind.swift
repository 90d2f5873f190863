/// What a log entry records; the entry's bytes are the signed object itself (or, for a witnessed
/// checkpoint, the checkpoint's signed note).
public enum LogEntryKind: String, Sendable, CaseIterable {
    case certificateReceived = "certificate-received"
    case certificateDelegated = "certificate-delegated"
    case licenseIssued = "license-issued"
    case licenseRenewed = "license-renewed"
    case activation = "activation"
    case deactivation = "deactivation"
    case quotaReturned = "quota-returned"
    case returnReceived = "return-received"
    case revocationIssued = "revocation-issued"
    case revocationReceived = "revocation-received"
    case checkpointWitnessed = "checkpoint-witnessed"
}
