/// Where in the source an error was raised (`#fileID` and `#line`), for the developer reading a log.
///
/// Every location equals every other and hashes to nothing, so an error struct that stores one keeps
/// its synthesized `Hashable` conformance and still compares by code, reason and its own fields: a test
/// can build the error it expects without knowing which line throws it.
public struct ErrorLocation: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: UInt

    public init(file: String, line: UInt) {
        self.file = file
        self.line = line
    }

    public static func == (lhs: ErrorLocation, rhs: ErrorLocation) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    public var description: String { "\(file):\(line)" }
}
