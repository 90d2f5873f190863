/// A delivery due now: the outbox row, where it goes, the event's body as queued, and which attempt this is.
public struct WebhookDelivery: Hashable, Sendable {
    public var id: Int64
    public var url: String
    public var body: [UInt8]
    /// 1 for the first attempt.
    public var attempt: Int

    public init(id: Int64, url: String, body: [UInt8], attempt: Int) {
        self.id = id
        self.url = url
        self.body = body
        self.attempt = attempt
    }
}
