import TollgateCrypto

/// Why bytes from the wire are not a message of the channel protocol: a body that does not decode,
/// a value out of range, a file of another format. The API answers every one with 400
/// `malformed-body`; the client and the CLI name the problem to their user.
public struct WireError: LayerError {
    /// What kind of failure this is; new codes may be added.
    public struct Code: ErrorCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The bytes are not the JSON the message is (syntax, a member twice, a missing field).
        public static let malformed = Code("malformed")
        /// A value is outside what the protocol allows (a position, a time, a count, a length).
        public static let outOfRange = Code("out_of_range")
        /// A file or body of another format or format version.
        public static let wrongFormat = Code("wrong_format")
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
