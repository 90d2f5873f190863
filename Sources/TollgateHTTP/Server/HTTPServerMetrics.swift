/// A snapshot of the server's counters, for the service layer to render (for example as Prometheus text).
public struct HTTPServerMetrics: Hashable {
    /// Connections accepted and handed to a connection thread (not counting those refused at the cap).
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

    public init() {}

    /// Total refusals across all rules.
    public var totalRejections: UInt64 { rejections.values.reduce(0, +) }
}

extension HTTPServerMetrics: Sendable {}
