/// A registered webhook as the node describes it (`POST` and `GET /v1/webhooks`). It holds no secret:
/// deliveries are signed with the node's key, which receivers check with its public key.
public struct WebhookDescription: Codable, Hashable, Sendable {
    public var id: String
    public var url: String
    public var events: [WebhookEventType]
    public var createdAt: Int64
    /// Deliveries waiting for their next attempt, delivered, and given up after the last attempt.
    public var pending: Int
    public var delivered: Int
    public var failed: Int

    public init(id: String, url: String, events: [WebhookEventType], createdAt: Int64, pending: Int = 0, delivered: Int = 0, failed: Int = 0) {
        self.id = id
        self.url = url
        self.events = events
        self.createdAt = createdAt
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case id, url, events, pending, delivered, failed
        case createdAt = "created_at"
    }
}
