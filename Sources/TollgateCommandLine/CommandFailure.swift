/// A failure while running a command that is not a usage error: printed as `error: …`, with exit
/// code 3 (could not do the work) or the one given, e.g. 4 for a refusal by a rule.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var exitCode: ExitCode

    public init(_ message: String, exitCode: ExitCode = .failure) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
