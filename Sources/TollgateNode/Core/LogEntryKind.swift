/// What a log entry records; the entry's bytes are the signed object itself.
public enum LogEntryKind: String, Sendable, CaseIterable {
    case certificateReceived = "certificate-received"
    case certificateDelegated = "certificate-delegated"
    case licenseIssued = "license-issued"
}
