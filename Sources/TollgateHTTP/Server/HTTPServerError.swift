/// A failure to start or run the server, naming what failed and why.
public struct HTTPServerError: Error, Hashable, CustomStringConvertible {
    /// What kind of failure this is; new codes may be added.
    public struct Code: Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidConfiguration = Code("invalid_configuration")
        public static let socket = Code("socket")
        public static let bind = Code("bind")
        public static let listen = Code("listen")
        public static let tlsConfiguration = Code("tls_configuration")
        public static let alreadyStopped = Code("already_stopped")
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}

extension HTTPServerError.Code: Sendable {}
extension HTTPServerError: Sendable {}
