/// What one node did during a run, for the summary.
public struct NodeStatistics: Sendable, Hashable {
    public var issued = 0
    public var renewed = 0
    public var activated = 0
    public var emergencies = 0
    public var deactivated = 0
    public var delegated = 0
    public var returned = 0
    public var revoked = 0
    /// Floating seats: leases and borrows granted, heartbeats answered, seats given back.
    public var leased = 0
    public var heartbeats = 0
    public var released = 0
    /// Usage records the node receipted and logged, forks it logged as evidence, and records a
    /// machine's own check refused offline (past the allowance's ceiling).
    public var usageRecords = 0
    public var usageForked = 0
    public var usageRefusedOffline = 0
    /// Requests the node turned down, by error code (a normal outcome: overdue sync, full seats…).
    public var refusals: [String: Int] = [:]
    public var syncSucceeded = 0
    public var syncFailed = 0
    /// Customer requests that found the node down.
    public var unavailable = 0
    public var crashes = 0
    /// Simulated milliseconds spent crashed.
    public var downtime: Int64 = 0
    /// Longest time without a successful sync, in seconds.
    public var longestSyncGap: Int64 = 0

    public init() {}

    mutating func refuse(_ code: String) {
        refusals[code, default: 0] += 1
    }

    public var refused: Int { refusals.values.reduce(0, +) }
}
