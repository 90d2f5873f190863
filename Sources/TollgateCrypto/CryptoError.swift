/// A failure in the crypto layer, naming what failed and why.
public struct CryptoError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public static let invalidKey = Code("invalid_key")
        public static let invalidPEM = Code("invalid_pem")
        public static let wrongKeyType = Code("wrong_key_type")
        public static let signingFailed = Code("signing_failed")
        public static let randomFailed = Code("random_failed")
        public static let invalidEncoding = Code("invalid_encoding")
        public static let fileAccess = Code("file_access")
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
