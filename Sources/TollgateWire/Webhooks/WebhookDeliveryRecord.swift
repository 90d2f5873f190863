/// One event queued for one webhook, with its attempts so far (`GET /v1/webhooks/{id}/deliveries`).
public struct WebhookDeliveryRecord: Codable, Hashable, Sendable {
    /// `pending` (another attempt is due at `next_attempt_at`), `delivered`, or `failed` (attempts used up).
    public enum State: String, Codable, Sendable { case pending, delivered, failed }

    public var event: String
    public var type: WebhookEventType
    public var state: State
    public var queuedAt: Int64
    public var nextAttemptAt: Int64?
    public var attempts: [WebhookAttempt]

    public init(event: String, type: WebhookEventType, state: State, queuedAt: Int64, nextAttemptAt: Int64?, attempts: [WebhookAttempt]) {
        self.event = event
        self.type = type
        self.state = state
        self.queuedAt = queuedAt
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case event, type, state, attempts
        case queuedAt = "queued_at"
        case nextAttemptAt = "next_attempt_at"
    }
}
