/// One subcommand of a tool, e.g. `tollgate issue`: its spec and what it does with the parsed arguments.
/// Sendable so the table of commands can be a global constant.
public protocol Command: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) throws -> ExitCode
}

extension Command {
    /// The command as an entry in a tool's table.
    public static var subcommand: Subcommand { Subcommand(spec: spec) { arguments in try run(arguments) } }
}
