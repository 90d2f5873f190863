import TollgateCertificates
import TollgateWire

/// The node's webhooks: registering, listing and removing them, and the outbox side of delivery
/// (what is due, what an attempt did). The posting itself is the transport's (TollgateService's
/// `WebhookDispatcher`), off the request path.
struct WebhookDesk: NodePart {
    let context: NodeContext

    /// How many webhooks a node keeps at most.
    static let maxWebhooks = 16

    /// See ``LicensingNode/addWebhook(_:at:)``.
    func add(_ registration: WebhookRegistration, at now: Int64) throws(NodeError) -> WebhookDescription {
        try WebhookURL.check(registration.url)
        guard !registration.events.isEmpty else {
            throw NodeError(.unknownEventType, "name at least one event type: \(WebhookEventType.names)")
        }
        var events: [WebhookEventType] = []
        for name in registration.events {
            guard let type = WebhookEventType(rawValue: name) else {
                let hint = NameSuggestion.hint(for: name, among: WebhookEventType.allCases.map(\.rawValue))
                throw NodeError(.unknownEventType, "unknown event type '\(name)': the types are \(WebhookEventType.names)\(hint)")
            }
            if !events.contains(type) { events.append(type) }
        }
        return try storage {
            try store.transaction {
                let count = try store.webhookCount()
                guard count < Self.maxWebhooks else {
                    throw NodeError(.tooManyWebhooks, "this node already has \(count) webhooks, the most it keeps; remove one first")
                }
                let webhook = WebhookDescription(id: "wh_" + ids.make().prefix(16), url: registration.url, events: events, createdAt: now)
                try store.insertWebhook(webhook)
                return webhook
            }
        }
    }

    func list() throws(NodeError) -> [WebhookDescription] {
        try storage { try store.webhooks() }
    }

    /// See ``LicensingNode/removeWebhook(id:)``.
    func remove(id: String) throws(NodeError) -> WebhookDescription {
        try storage {
            try store.transaction {
                guard let webhook = try store.webhooks().first(where: { $0.id == id }) else { throw NodeError(.notFound, "no webhook \(id) here") }
                _ = try store.deleteWebhook(id: id)
                return webhook
            }
        }
    }

    /// See ``LicensingNode/webhookDeliveries(id:)``.
    func deliveries(id: String) throws(NodeError) -> [WebhookDeliveryRecord] {
        try storage {
            guard try store.webhooks().contains(where: { $0.id == id }) else { throw NodeError(.notFound, "no webhook \(id) here") }
            return try store.webhookDeliveries(webhook: id)
        }
    }

    /// See ``LicensingNode/replayWebhookDeliveries(id:event:at:)``.
    func replay(id: String, event: String?, at now: Int64) throws(NodeError) -> Int {
        try storage {
            try store.transaction {
                guard try store.webhooks().contains(where: { $0.id == id }) else { throw NodeError(.notFound, "no webhook \(id) here") }
                if let event, !(try store.hasWebhookDelivery(webhook: id, event: event)) {
                    throw NodeError(.notFound, "webhook \(id) has no delivery of event \(event); 'webhook deliveries' lists them")
                }
                return try store.replayWebhookDeliveries(webhook: id, event: event, at: now)
            }
        }
    }

    func due(at now: Int64, limit: Int) throws(NodeError) -> [WebhookDelivery] {
        try storage { try store.dueWebhookDeliveries(at: now, limit: limit) }
    }

    func nextAttempt() throws(NodeError) -> Int64? {
        try storage { try store.nextWebhookAttempt() }
    }

    /// See ``LicensingNode/recordWebhookAttempt(_:_:schedule:)``.
    func record(_ delivery: WebhookDelivery, _ attempt: WebhookAttempt, schedule: WebhookRetrySchedule) throws(NodeError) -> WebhookDeliveryRecord.State {
        let state: WebhookDeliveryRecord.State
        let next: Int64?
        if attempt.succeeded {
            (state, next) = (.delivered, nil)
        } else if let delay = schedule.delay(afterFailedAttempt: attempt.attempt) {
            (state, next) = (.pending, attempt.at + delay)
        } else {
            (state, next) = (.failed, nil)
        }
        _ = try storage { try store.transaction { try store.recordWebhookAttempt(delivery: delivery.id, attempt, state: state, nextAttemptAt: next) } }
        return state
    }
}
