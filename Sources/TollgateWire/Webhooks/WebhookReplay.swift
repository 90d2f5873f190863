/// The body of `POST /v1/webhooks/{id}/replays`: the delivery of one event to send again, or, with
/// no event, every delivery of the webhook that failed. The answer counts the deliveries queued.
public struct WebhookReplay: Codable, Hashable, Sendable {
    /// An event id as the delivery log lists it; nil for every failed delivery.
    public var event: String?
    /// Deliveries queued again, in the answer.
    public var replayed: Int?

    public init(event: String?, replayed: Int? = nil) {
        self.event = event
        self.replayed = replayed
    }
}
