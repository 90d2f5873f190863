/// Why the node's store refused a write, when the store can tell: the few storage failures an
/// operator can fix without a developer, so a refusal names what to fix instead of only "storage".
public enum StorageCondition: String, Hashable, Sendable {
    /// The disk holding the node directory is full, or a write passed a file size limit.
    case full
    /// The node directory or its database cannot be written (file modes, a read-only mount).
    case readOnly = "read_only"
}
