import TollgateCertificates
import TollgateWire

/// Puts the events the node's webhooks report into the store's outbox. Each call belongs to the
/// transaction that logs what the event reports, so an event is queued exactly when its entry is
/// committed: never for a refused request, never lost for an acknowledged one.
struct WebhookOutbox {
    let context: NodeContext

    private var node: String { context.identity.name }

    func licenseIssued(_ license: SignedLicense) throws {
        let payload = license.payload
        try context.store.queueWebhookEvent(WebhookEvent(
            type: .licenseIssued, object: license.hash, time: payload.iat, node: node,
            data: WebhookEventData(license: license.hash, serialStart: payload.seats.start, serialEnd: payload.seats.end,
                                   customer: payload.customer, country: payload.country)))
    }

    /// A renewal or a change (upgrade, downgrade, add-on, conversion) of a license this node signed.
    func licenseFollowed(_ license: SignedLicense, as kind: LogEntryKind) throws {
        let payload = license.payload
        let change = payload.addonOf != nil ? "add-on" : payload.converts != nil ? "conversion" : payload.supersedes != nil ? "upgrade-or-downgrade" : nil
        try context.store.queueWebhookEvent(WebhookEvent(
            type: kind == .licenseRenewed ? .licenseRenewed : .licenseChanged, object: license.hash, time: payload.iat, node: node,
            data: WebhookEventData(license: license.hash, serialStart: payload.seats.start, serialEnd: payload.seats.end,
                                   customer: payload.customer, country: payload.country, code: kind == .licenseRenewed ? nil : change)))
    }

    /// One license revoked by this node.
    func licenseRevoked(_ revocation: SignedRevocation) throws {
        guard let lineage = revocation.payload.license else { return }
        try context.store.queueWebhookEvent(WebhookEvent(
            type: .licenseRevoked, object: revocation.hash, time: revocation.payload.iat, node: node,
            data: WebhookEventData(license: lineage, code: revocation.payload.reason)))
    }

    /// `customer` is the activated license's.
    func activationRecorded(_ activation: SignedActivation, customer: String, at now: Int64) throws {
        let payload = activation.payload
        try context.store.queueWebhookEvent(WebhookEvent(
            type: .activationRecorded, object: activation.hash, time: now, node: node,
            data: WebhookEventData(license: payload.license, activation: activation.hash, serialStart: payload.serial,
                                   serialEnd: payload.serial + 1, customer: customer, country: payload.country)))
    }

    /// A new finding; a stale node's also as `node.stale`.
    func findingOpened(_ finding: AuditFinding, at now: Int64) throws {
        let data = WebhookEventData(finding: finding.id, code: finding.kind.rawValue, subject: finding.nodeName)
        try context.store.queueWebhookEvent(WebhookEvent(type: .findingOpened, object: finding.id, time: now, node: node, data: data))
        if finding.kind == .staleNode {
            try context.store.queueWebhookEvent(WebhookEvent(type: .nodeStale, object: finding.id, time: now, node: node, data: data))
        }
    }

    /// `entries` new entries of `child`'s log accepted, its mirror now `size` long.
    func syncReceived(from child: Descendant, entries: UInt64, size: UInt64, at now: Int64) throws {
        try context.store.queueWebhookEvent(WebhookEvent(
            type: .syncReceived, object: "\(child.keyID)@\(size)", time: now, node: node,
            data: WebhookEventData(child: child.subject, entries: entries)))
    }
}
