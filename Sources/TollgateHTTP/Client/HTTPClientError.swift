/// A request the client could not complete, with libcurl's explanation.
public struct HTTPClientError: Error, Hashable, CustomStringConvertible {
    /// What kind of failure this is; new codes may be added.
    public struct Code: Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The URL or an option was refused before any network traffic.
        public static let invalidRequest = Code("invalid_request")
        public static let couldNotResolve = Code("could_not_resolve")
        public static let couldNotConnect = Code("could_not_connect")
        /// The connect timeout or the total timeout passed.
        public static let timedOut = Code("timed_out")
        /// The TLS handshake failed, including a certificate that did not verify.
        public static let tls = Code("tls")
        /// The connection broke while sending or before a complete response arrived.
        public static let connectionLost = Code("connection_lost")
        /// The response body exceeded the configured maximum.
        public static let responseTooLarge = Code("response_too_large")
        public static let other = Code("other")
    }

    public var code: Code
    public var reason: String
    /// libcurl's `CURLcode`, when the failure came from libcurl.
    public var curlCode: Int?

    public init(_ code: Code, _ reason: String, curlCode: Int? = nil) {
        self.code = code
        self.reason = reason
        self.curlCode = curlCode
    }

    public var description: String { "\(code): \(reason)" }
}

extension HTTPClientError.Code: Sendable {}
extension HTTPClientError: Sendable {}
