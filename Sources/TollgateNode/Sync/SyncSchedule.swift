/// When to sync next: a steady interval while syncs succeed, exponential backoff with full jitter
/// after failures (capped), so a fleet of agents reconnecting at once does not stampede the parent.
/// Pure: the caller supplies the random draw, so the simulator replays it from its seed.
public struct SyncSchedule: Hashable, Sendable {
    public var interval: Int64
    public var initialBackoff: Int64
    public var maxBackoff: Int64
    public private(set) var consecutiveFailures: Int = 0

    public init(interval: Int64 = 60, initialBackoff: Int64 = 2, maxBackoff: Int64 = 600) {
        self.interval = interval
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// Seconds until the next attempt after a success; `draw` is uniform in [0, 1).
    public mutating func afterSuccess(draw: Double) -> Int64 {
        consecutiveFailures = 0
        // ±10 % jitter keeps agents that started together from staying in step.
        return max(1, Int64((Double(interval) * (0.9 + 0.2 * draw)).rounded()))
    }

    /// Seconds until the next attempt after a failure: uniform in [1, min(max, initial · 2^failures)].
    public mutating func afterFailure(draw: Double) -> Int64 {
        consecutiveFailures += 1
        let exponent = min(consecutiveFailures - 1, 30)
        let ceiling = min(maxBackoff, initialBackoff << exponent)
        return max(1, Int64((Double(ceiling) * draw).rounded(.up)))
    }
}
