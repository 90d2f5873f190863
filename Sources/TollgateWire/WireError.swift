/// Why bytes from the wire are not a message of the channel protocol: a body that does not decode,
/// a value out of range, a file of another format. The API answers every one with 400
/// `malformed-body`; the client and the CLI name the problem to their user.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The bytes are not the JSON the message is (syntax, a member twice, a missing field).
        public static let malformed = Code("malformed")
        /// A value is outside what the protocol allows (a position, a time, a count, a length).
        public static let outOfRange = Code("out_of_range")
        /// A file or body of another format or format version.
        public static let wrongFormat = Code("wrong_format")
    }

    public var code: Code
    public var reason: String
    /// Where the error was raised; not part of equality.
    public var file: String
    public var line: UInt

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: WireError, rhs: WireError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(reason)
    }
}
