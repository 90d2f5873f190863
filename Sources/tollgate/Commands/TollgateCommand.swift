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
enum Console {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
