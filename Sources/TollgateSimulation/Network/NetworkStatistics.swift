/// What happened to messages on the simulated network.
public struct NetworkStatistics: Sendable, Hashable {
    public var sent = 0
    public var delivered = 0
    public var lost = 0
    public var duplicated = 0
    public var reordered = 0
    /// Dropped because the link was cut.
    public var partitioned = 0
    /// Dropped because the receiver was down.
    public var receiverDown = 0
    public var bytesDelivered = 0

    public init() {}
}
