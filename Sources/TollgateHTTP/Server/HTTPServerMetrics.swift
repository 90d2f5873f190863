/// A snapshot of the server's counters, for the service layer to render (for example as Prometheus text).
public struct HTTPServerMetrics: Hashable {
    /// Connections accepted and registered with the event loop (not counting those refused at a cap).
    public var connectionsAccepted: UInt64 = 0
    /// Connections currently open.
    public var openConnections: Int = 0
    /// Requests that reached the handler and whose response was written.
    public var requestsServed: UInt64 = 0
    /// Requests (or connections, for `.connectionLimit`) the server refused itself, by rule.
    public var rejections: [HTTPRejection.Reason: UInt64] = [:]
    /// Connections closed silently for not starting a request in time: `idleTimeout` between requests,
    /// `headTimeout` from accept for the first one.
    public var idleConnectionsClosed: UInt64 = 0
    /// Connections dropped because a read or write failed or a response could not be written in time.
    public var connectionErrors: UInt64 = 0
    /// TLS handshakes that failed or timed out.
    public var tlsHandshakeFailures: UInt64 = 0
    /// `accept` calls that failed (for example `EMFILE`); the server backs off and keeps accepting.
    public var acceptErrors: UInt64 = 0
    /// Idle connections closed early because more than `crowdedConnections` were open (also counted
    /// in `idleConnectionsClosed`).
    public var crowdedConnectionsClosed: UInt64 = 0
    /// Requests the head check answered before their body was read.
    public var headCheckRefusals: UInt64 = 0
    /// Request body bytes buffered right now, and the most ever buffered at once (never above
    /// `maxBodyBytesInFlight`).
    public var bodyBytesInFlight: Int = 0
    public var peakBodyBytesInFlight: Int = 0

    public init() {}

    /// Total refusals across all rules.
    public var totalRejections: UInt64 { rejections.values.reduce(0, +) }
}

extension HTTPServerMetrics: Sendable {}
