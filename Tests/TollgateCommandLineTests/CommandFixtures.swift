import TollgateCommandLine

/// A small tool for the tests: a top-level command, a group of two, and options of each kind.
enum CommandFixtures {
    enum Color: String, CaseIterable, Sendable { case red, green }

    static let name = Option<String>("name", value: "text", help: "A name.")
    static let count = Option<Int>("count", value: "n", help: "How many.", range: 1...10)
    static let tags = Option<[String]>("tags", value: "a,b", help: "Tags.")
    static let color = Option<Color>("color", help: "A color.")
    static let at = Option<Int64>.time("at", help: "When.")
    static let every = Option<Int64>.duration("every", help: "How often.")
    static let include = Option<String>("include", value: "path", help: "A path, any number of times.")
    static let json = Flag("json", help: "Print JSON.")
    static let file = Positional("file", help: "The input.")

    static let spec = CommandSpec(name: "make", abstract: "Make a thing.",
                                  options: [name.required, count, tags, color, at, every, include.repeatable],
                                  flags: [json], positionals: [file])

    static func subcommand(_ name: String, _ abstract: String, options: [any OptionDeclaring] = []) -> Subcommand {
        Subcommand(spec: CommandSpec(name: name, abstract: abstract, options: options)) { _ in .success }
    }

    static let tool = CommandLineTool(
        name: "tool", abstract: "A tool for tests.", version: "1.2.3",
        groups: [CommandGroup("machine", abstract: "Machine commands.")],
        commands: [
            subcommand("issue", "Issue a license.", options: [count]),
            subcommand("machine activate", "Activate a machine."),
            subcommand("machine check", "Check a machine."),
            subcommand("serve", "Serve."),
        ])
}
