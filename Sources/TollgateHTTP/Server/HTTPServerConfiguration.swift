/// Where an `HTTPServer` listens and the limits it enforces; every field has a production default.
public struct HTTPServerConfiguration {
    /// Numeric address to bind: `127.0.0.1` (default), `0.0.0.0`, `::1` or `::`.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks an ephemeral port (read it back from `HTTPServer.port`).
    public var port: Int = 0
    /// Connections the kernel queues before `accept` (capped by `net.core.somaxconn`). A burst beyond it
    /// has its SYNs dropped and retried after 1, 3, 7… seconds, so it is sized for floods, not for averages.
    public var listenBacklog: Int = 4096

    /// Open connections beyond this are answered 503 and closed (over TLS: closed, as nothing can be sent
    /// before a handshake). An open connection costs one descriptor and a few hundred bytes on the event
    /// loop (plus its head buffer while one arrives), not a thread, so the cap is bounded by the process's
    /// `RLIMIT_NOFILE` (less the listener, the epoll and wake descriptors, SQLite's files and outgoing
    /// sync connections): raise the soft limit first (`OpenFileLimit.raiseToHardLimit()`), as
    /// `tollgate node serve` does at start.
    public var maxConnections: Int = 16_384
    /// Open connections from one peer address beyond this are answered 503 (`peer-connection-limit`), so
    /// one host cannot take every slot.
    public var maxConnectionsPerPeer: Int = 256
    /// The high-water mark: while more connections than this are open, idle ones (keep-alive between
    /// requests, and accepted ones that have not sent a byte or finished a TLS handshake) are closed
    /// once idle for `crowdedIdleTimeout`, oldest first, instead of after `idleTimeout`/`headTimeout`.
    public var crowdedConnections: Int = 12_288
    /// How long an idle connection may stay open while the server is above `crowdedConnections`.
    public var crowdedIdleTimeout: Duration = .seconds(1)
    /// Threads that run the handler (and the head check) on complete requests; the event loop itself
    /// never blocks, so a handler may (SQLite, fsync, signing). Requests beyond this many wait in a queue.
    public var workerThreads: Int = 32
    /// Request body bytes buffered at once across all connections. A body is read only once its
    /// `Content-Length` fits in what is left; until then the connection waits (up to `bodyBudgetWait`)
    /// without being read, then is answered 503 with `Retry-After`. Must be at least `maxBodySize`.
    public var maxBodyBytesInFlight: Int = 64 << 20
    /// How long a request whose body does not fit in `maxBodyBytesInFlight` waits for room.
    public var bodyBudgetWait: Duration = .seconds(5)
    /// Largest request line plus header fields, in bytes (431 beyond).
    public var maxHeadSize: Int = 80 * 1024
    /// Most header fields in one request (431 beyond).
    public var maxHeaderCount: Int = 100
    /// Largest request body, checked against `Content-Length` before any of the body is read (413 beyond).
    public var maxBodySize: Int = 1 << 20

    /// The whole request head must arrive within this, counted from its first byte (from accept for a
    /// connection's first request); 408 when it does not.
    public var headTimeout: Duration = .seconds(10)
    /// The whole body must arrive within this, counted from when the server starts reading it (after the
    /// head check and once the body fits in `maxBodyBytesInFlight`); 408 when it does not.
    public var bodyTimeout: Duration = .seconds(30)
    /// A response must be written within this, or the connection is dropped.
    public var writeTimeout: Duration = .seconds(30)
    /// A keep-alive connection with no new request for this long is closed without a response.
    public var idleTimeout: Duration = .seconds(30)
    /// `shutdown()` waits this long for in-flight requests before cutting their connections.
    public var drainTimeout: Duration = .seconds(30)
    /// After an error response, unread input is discarded for up to this long before closing, so the
    /// client reads the response instead of a connection reset.
    public var lingerTimeout: Duration = .seconds(1)

    /// Serve HTTPS instead of HTTP.
    public var tls: TLS?

    /// TLS settings; the same limits apply to HTTPS connections.
    public struct TLS {
        /// PEM file with the server certificate first, then any intermediates.
        public var certificateChainPath: String
        /// PEM file with the certificate's private key.
        public var privateKeyPath: String
        /// The TLS handshake must finish within this after accept.
        public var handshakeTimeout: Duration = .seconds(10)

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }
}

extension HTTPServerConfiguration.TLS: Sendable {}
extension HTTPServerConfiguration: Sendable {}
