import TollgateCrypto

/// A failure to start or run the server, naming what failed and why. The server's half of the HTTP
/// layer: the client's failures are ``HTTPClientError``, whose codes (and libcurl's result code)
/// mean nothing to a server, and a refused request is an ``HTTPRejection``, an answer rather than a failure.
public struct HTTPServerError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public static let invalidConfiguration = Code("invalid_configuration")
        public static let socket = Code("socket")
        public static let bind = Code("bind")
        public static let listen = Code("listen")
        public static let tlsConfiguration = Code("tls_configuration")
    }

    public var code: Code
    public var reason: String
    public var location: ErrorLocation

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        location = ErrorLocation(file: file, line: line)
    }
}
