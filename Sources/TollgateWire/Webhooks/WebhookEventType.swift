/// What a webhook delivery reports: one event of the node's subtree, as its log shows it.
public enum WebhookEventType: String, CaseIterable, Codable, Sendable {
    /// A license this node issued (`license-issued` in its log).
    case licenseIssued = "license.issued"
    /// An activation this node signed for a customer's machine.
    case activationRecorded = "activation.recorded"
    /// A new audit finding about the node's subtree (an audit run, an equivocation seen in a push).
    case findingOpened = "finding.opened"
    /// A child's push whose entries this node accepted.
    case syncReceived = "sync.received"

    /// Every event type's name, comma separated, as errors and help list them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
