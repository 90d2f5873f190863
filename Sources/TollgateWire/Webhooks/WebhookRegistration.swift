/// The body of `POST /v1/webhooks`: where to post events, and which types.
public struct WebhookRegistration: Codable, Hashable, Sendable {
    /// An `http` or `https` URL without credentials or fragment.
    public var url: String
    /// Event type names (``WebhookEventType``), at least one.
    public var events: [String]

    public init(url: String, events: [String]) {
        self.url = url
        self.events = events
    }
}
