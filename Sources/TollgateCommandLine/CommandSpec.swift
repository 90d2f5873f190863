/// What a command accepts: its options, flags and positional arguments, and their help.
public struct CommandSpec: Sendable {
    /// Words after the tool's name, e.g. `root init`.
    public let name: String
    public let abstract: String
    public let discussion: String
    public let options: [OptionDeclaration]
    public let flags: [Flag]
    public let positionals: [Positional]

    /// Two options or flags of one name would make the command line ambiguous; that is a mistake in
    /// the program, so it stops here rather than parse one of them.
    public init(name: String, abstract: String, discussion: String = "", options: [any OptionDeclaring] = [],
                flags: [Flag] = [], positionals: [Positional] = []) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options.map(\.declaration)
        self.flags = flags
        self.positionals = positionals
        let names = self.options.map(\.name) + flags.map(\.name) + ["help"]
        precondition(Set(names).count == names.count, "'\(name)' declares an option twice: \(names.sorted())")
    }

    public func option(named name: String) -> OptionDeclaration? { options.first { $0.name == name } }

    public func declaresFlag(named name: String) -> Bool { flags.contains { $0.name == name } }

    /// `tollgate issue --customer <name> [--seats <n>] [--json] <file>`, for `tool` `tollgate`.
    public func usage(tool: String) -> String {
        var parts = [tool, name]
        for option in options {
            let text = "--\(option.name) <\(option.valueName)>" + (option.isRepeatable ? " ..." : "")
            parts.append(option.isRequired ? text : "[\(text)]")
        }
        for flag in flags { parts.append("[--\(flag.name)]") }
        for positional in positionals { parts.append("<\(positional.name)>") }
        return parts.joined(separator: " ")
    }

    /// What `<tool> <name> --help` prints.
    public func help(tool: String) -> String {
        var lines = ["OVERVIEW: \(abstract)", ""]
        if !discussion.isEmpty { lines += [discussion, ""] }
        lines.append("USAGE: \(usage(tool: tool))")
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for positional in positionals { lines.append("  <\(positional.name)>".padding(to: 28) + positional.help) }
        }
        lines += ["", "OPTIONS:"]
        for option in options {
            let suffix = option.isRequired ? "" : " (optional)"
            lines.append("  --\(option.name) <\(option.valueName)>".padding(to: 28) + option.help + suffix)
        }
        for flag in flags { lines.append("  --\(flag.name)".padding(to: 28) + flag.help) }
        lines.append("  -h, --help".padding(to: 28) + "Show help information.")
        lines += ["", "EXIT CODES: " + ExitCode.documented.map { "\($0.code.rawValue) \(Self.shortMeaning($0.code))" }.joined(separator: ", ")
                  + " (see '\(tool) --help')"]
        return lines.joined(separator: "\n")
    }

    /// One word per exit code for the line under every command's help.
    static func shortMeaning(_ code: ExitCode) -> String {
        switch code {
        case .success: "ok"
        case .invalid: "invalid"
        case .usage: "usage"
        case .refused: "refused"
        default: "failure"
        }
    }
}
