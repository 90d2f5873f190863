/// A failure while running a command that is not a usage error: printed as `error: …`, exit code 3.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
