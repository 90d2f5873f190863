/// When a failed delivery is tried again: ``firstDelay`` seconds after the first failure, doubling
/// after each further one, at most ``maxDelay``; after ``maxAttempts`` attempts it is marked failed.
public struct WebhookRetrySchedule: Hashable, Sendable {
    public var firstDelay: Int64
    public var maxDelay: Int64
    public var maxAttempts: Int

    /// 10 s, doubling, capped at 1 h, 8 attempts in all.
    public static let standard = WebhookRetrySchedule(firstDelay: 10, maxDelay: 3_600, maxAttempts: 8)

    public init(firstDelay: Int64, maxDelay: Int64 = 3_600, maxAttempts: Int = 8) {
        self.firstDelay = max(1, firstDelay)
        self.maxDelay = max(self.firstDelay, maxDelay)
        self.maxAttempts = max(1, maxAttempts)
    }

    /// Seconds to wait after failed attempt `attempt` (1 for the first) before the next one; nil when
    /// that was the last attempt.
    public func delay(afterFailedAttempt attempt: Int) -> Int64? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        var delay = firstDelay
        for _ in 1..<attempt {
            guard delay < maxDelay else { break }
            delay = min(maxDelay, delay * 2)
        }
        return min(delay, maxDelay)
    }
}
