/// An entry in a tool's command table: a spec and the function that runs it.
///
/// A value rather than a type, so one command type may contribute several entries (one per report,
/// say), each with its own name, abstract and options.
public struct Subcommand: Sendable {
    public let spec: CommandSpec
    public let run: @Sendable (ParsedArguments) throws -> ExitCode

    public init(spec: CommandSpec, run: @escaping @Sendable (ParsedArguments) throws -> ExitCode) {
        self.spec = spec
        self.run = run
    }

    /// The words of the name, e.g. `["machine", "activate"]`.
    public var words: [String] { spec.name.split(separator: " ").map(String.init) }
}
