import TollgateCrypto

/// A request the client could not complete, with libcurl's explanation.
public struct HTTPClientError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

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
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, curlCode: Int? = nil, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.curlCode = curlCode
        location = ErrorLocation(file: file, line: line)
    }
}
