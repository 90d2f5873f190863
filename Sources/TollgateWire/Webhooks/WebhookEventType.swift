/// What a webhook delivery reports: one event of the node's subtree, as its log shows it.
public enum WebhookEventType: String, CaseIterable, Codable, Sendable {
    /// A license this node issued (`license-issued` in its log).
    case licenseIssued = "license.issued"
    /// A renewal this node signed (a subscription's new term, a perpetual license's maintenance).
    case licenseRenewed = "license.renewed"
    /// An upgrade, downgrade, add-on or trial conversion this node signed; `data.code` says which.
    case licenseChanged = "license.changed"
    /// One license revoked here (a refund, a fraud, a chargeback); `data.code` is the reason.
    case licenseRevoked = "license.revoked"
    /// An activation this node signed for a customer's machine.
    case activationRecorded = "activation.recorded"
    /// A new audit finding about the node's subtree (an audit run, an equivocation seen in a push).
    case findingOpened = "finding.opened"
    /// A child's push whose entries this node accepted.
    case syncReceived = "sync.received"
    /// A node of the subtree found stale by an audit (no sync within its certificate's `sync_within`).
    case nodeStale = "node.stale"

    /// Every event type's name, comma separated, as errors and help list them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
