import TollgateWire

extension LicensingNode {
    // MARK: Webhooks (WebhookDesk)

    var webhooks: WebhookDesk { WebhookDesk(context: context) }

    /// Registers a webhook for the events named; refuses a URL that is not plain `http`/`https`
    /// (`webhook_url_invalid`), an unknown event type (`unknown_event_type`, naming the nearest) and
    /// a 17th webhook (`too_many_webhooks`), storing nothing then.
    public func addWebhook(_ registration: WebhookRegistration, at now: Int64) throws(NodeError) -> WebhookDescription {
        try webhooks.add(registration, at: now)
    }

    /// The node's webhooks, oldest first, with their deliveries counted by state.
    public func listWebhooks() throws(NodeError) -> [WebhookDescription] {
        try webhooks.list()
    }

    /// Removes a webhook, its queued deliveries and their log, and returns what it was; `not_found`
    /// for an unknown id.
    @discardableResult
    public func removeWebhook(id: String) throws(NodeError) -> WebhookDescription {
        try webhooks.remove(id: id)
    }

    /// The deliveries queued for webhook `id`, with every attempt; `not_found` for an unknown id.
    public func webhookDeliveries(id: String) throws(NodeError) -> [WebhookDeliveryRecord] {
        try webhooks.deliveries(id: id)
    }

    /// Sends again the delivery of `event` to webhook `id` (delivered or failed: a receiver that lost
    /// it gets it once more, under the same event id), or with no event every failed delivery of the
    /// webhook; each gets one more attempt, due at once. Returns how many were queued; `not_found`
    /// for an unknown webhook or event.
    public func replayWebhookDeliveries(id: String, event: String?, at now: Int64) throws(NodeError) -> Int {
        try webhooks.replay(id: id, event: event, at: now)
    }

    /// Deliveries due by `now`, soonest first, at most `limit`.
    public func dueWebhookDeliveries(at now: Int64, limit: Int = 16) throws(NodeError) -> [WebhookDelivery] {
        try webhooks.due(at: now, limit: limit)
    }

    /// When the next pending delivery is due, if any.
    public func nextWebhookAttempt() throws(NodeError) -> Int64? {
        try webhooks.nextAttempt()
    }

    /// Records one attempt of `delivery`: delivered on a 2xx, else due again by `schedule` or, after
    /// its last attempt, failed. Returns the delivery's state after it.
    @discardableResult
    public func recordWebhookAttempt(_ delivery: WebhookDelivery, _ attempt: WebhookAttempt,
                                     schedule: WebhookRetrySchedule) throws(NodeError) -> WebhookDeliveryRecord.State {
        try webhooks.record(delivery, attempt, schedule: schedule)
    }

    /// The `Tollgate-Signature` of a delivery of `body` at `now`, by this node's key.
    public func webhookSignature(body: [UInt8], at now: Int64) throws(NodeError) -> WebhookSignature {
        do {
            return try WebhookSignature.sign(body: body, at: now, key: identity.key)
        } catch {
            throw NodeError(.storage, "signing a webhook delivery failed: \(error)")
        }
    }
}
