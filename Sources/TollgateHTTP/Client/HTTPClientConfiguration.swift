/// Timeouts, trust and limits of an `HTTPClient`.
public struct HTTPClientConfiguration {
    /// Longest time to establish the connection, TLS handshake included.
    public var connectTimeout: Duration = .seconds(10)
    /// Longest time for a whole request, from connecting to the last byte of the response.
    public var timeout: Duration = .seconds(30)
    /// PEM file of CA certificates to trust instead of the system bundle (for example a local test CA).
    /// Peer and host name verification are always on.
    public var caBundlePath: String?
    /// Responses with a larger body fail with `.responseTooLarge`.
    public var maxResponseBodySize: Int = 16 << 20
    public var userAgent: String = "tollgate-http"

    public init(connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), caBundlePath: String? = nil) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caBundlePath = caBundlePath
    }
}

extension HTTPClientConfiguration: Sendable {}
