/// One attempt to deliver an event: when, how long it took, and the receiver's status code or the
/// transport's error (libcurl's message) when no answer came.
public struct WebhookAttempt: Codable, Hashable, Sendable {
    public var attempt: Int
    public var at: Int64
    public var status: Int?
    public var error: String?
    public var durationMilliseconds: Int64

    public init(attempt: Int, at: Int64, status: Int?, error: String?, durationMilliseconds: Int64) {
        self.attempt = attempt
        self.at = at
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }

    /// Whether the receiver took the event (a 2xx answer).
    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }

    enum CodingKeys: String, CodingKey {
        case attempt, at, status, error
        case durationMilliseconds = "duration_ms"
    }
}
