import Foundation

/// One subcommand of `tollgate`.
protocol TollgateCommand {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) throws -> ExitCode
}

/// A failure while running a command that is not a usage error: printed as `error: …`, exit code 3.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// Writes to standard output and standard error.
///
/// A write that fails (output sent to a file on a full disk) is dropped: a node must not stop over
/// its own console, and `write(_:)` would end the process on any error.
enum Console {
    static func print(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}
