import TollgateCertificates

/// A command-line tool: its table of commands and groups, and the dispatch from the words typed to a
/// command, a group's help or a suggestion. `tollgate` and `tollgate-bench` are two of them.
public struct CommandLineTool: Sendable {
    /// What the words typed after the tool's name come to.
    public enum Resolution: Sendable {
        /// The tool's own help; `requested` when asked for with `--help`, not for bare `tollgate`.
        case overview(requested: Bool)
        /// `tollgate --version` or `tollgate version`.
        case version
        /// A group's help, e.g. `tollgate machine` or `tollgate machine --help`.
        case group(CommandGroup, requested: Bool)
        /// Run this command with these arguments.
        case command(Subcommand, arguments: [String])
        /// `tollgate issue --help`.
        case commandHelp(Subcommand)
        /// A group followed by an option instead of a subcommand, e.g. `tollgate machine --dir x`.
        case missingSubcommand(CommandGroup, found: String)
        /// Words that name no command or group, the closest name, and the group they began with.
        case unknown(String, suggestion: String?, group: CommandGroup?)
    }

    public let name: String
    public let abstract: String
    /// What `--version` prints after the name; nil when the tool has no version of its own.
    public let version: String?
    public let groups: [CommandGroup]
    public let commands: [Subcommand]

    /// The table must be unambiguous: names unique, every leading word of a command name a declared
    /// group (so it has help), and no group also a command. Anything else is a mistake in the program.
    public init(name: String, abstract: String, version: String? = nil, groups: [CommandGroup] = [], commands: [Subcommand]) {
        self.name = name
        self.abstract = abstract
        self.version = version
        self.groups = groups
        self.commands = commands
        let commandNames = commands.map(\.spec.name)
        precondition(Set(commandNames).count == commandNames.count, "\(name): a command name is used twice")
        let groupNames = Set(groups.map(\.name))
        precondition(groupNames.count == groups.count, "\(name): a group is declared twice")
        precondition(groupNames.isDisjoint(with: commandNames), "\(name): a group is also a command")
        let needed = Set(commands.flatMap { command in
            (1..<max(1, command.words.count)).map { command.words.prefix($0).joined(separator: " ") }
        })
        precondition(needed == groupNames, "\(name): groups declared \(groupNames.sorted()), used \(needed.sorted())")
    }

    /// Decides what `words` (the arguments after the tool's name) ask for, without running anything.
    public func resolve(_ words: [String]) -> Resolution {
        if words.isEmpty { return .overview(requested: false) }
        if words == ["--help"] || words == ["-h"] || words == ["help"] { return .overview(requested: true) }
        if version != nil, words == ["--version"] || words == ["-V"] || words == ["version"] { return .version }
        if words.first == "help" { return resolve(Array(words.dropFirst()) + ["--help"]) }
        // The longest command name that prefixes the words wins.
        if let command = commands.filter({ words.starts(with: $0.words) }).max(by: { $0.words.count < $1.words.count }) {
            let rest = Array(words.dropFirst(command.words.count))
            return rest.contains("--help") || rest.contains("-h") ? .commandHelp(command) : .command(command, arguments: rest)
        }
        let group = innermostGroup(of: words)
        let rest = Array(words.dropFirst(group?.words.count ?? 0))
        if let group {
            guard let next = rest.first else { return .group(group, requested: false) }
            if next == "--help" || next == "-h" { return .group(group, requested: true) }
            if next.hasPrefix("-") { return .missingSubcommand(group, found: next) }
        }
        let typed = ((group?.words ?? []) + [rest[0]]).joined(separator: " ")
        return .unknown(typed, suggestion: suggestion(for: words), group: group)
    }

    /// The command or group name closest to `words`, when it is close enough to be a slip: a typo
    /// (`machine activte`), a misspelled group (`machin`), or a subcommand typed without its group or
    /// under the wrong one (`activate`, `node activate` for `machine activate`).
    public func suggestion(for words: [String]) -> String? {
        let groupWords = innermostGroup(of: words)?.words ?? []
        guard words.count > groupWords.count else { return nil }
        let unmatched = words[groupWords.count]
        // A group the words already start with is no slip; its commands are the candidates.
        let candidates = commands.map(\.words) + groups.map(\.words).filter { !words.starts(with: $0) }
        let scored = candidates.map { candidate -> (name: String, score: Int) in
            let name = candidate.joined(separator: " ")
            let whole = EditDistance.between(words.prefix(candidate.count).joined(separator: " "), name)
            let elsewhere = Array(candidate.dropLast()) == groupWords ? 0 : 1
            let lastWord = EditDistance.between(unmatched, candidate[candidate.count - 1]) + elsewhere
            return (name, min(whole, lastWord))
        }
        guard let best = scored.enumerated().min(by: { ($0.element.score, $0.offset) < ($1.element.score, $1.offset) })?.element,
              EditDistance.isClose(best.score, to: unmatched) else { return nil }
        return best.name
    }

    /// What `<tool> --help` prints: the top-level commands and groups with their abstracts, and the
    /// exit codes every command keeps to.
    public func overview() -> String {
        let exitCodes = ["", "EXIT CODES:"] + ExitCode.documented.map { "  \($0.code.rawValue)".padding(to: 22) + $0.meaning }
        return listing(overview: abstract, usage: "\(name) <subcommand> [options]", under: [],
                more: "See '\(name) <subcommand> --help' for details" + (groups.isEmpty ? "." : "; a group's help lists its subcommands.")
                    + (version == nil ? "" : "\n  '\(name) --version' prints the version.")) + "\n" + exitCodes.joined(separator: "\n")
    }

    /// What `<tool> <group> --help` prints: the group's subcommands with their abstracts.
    public func help(for group: CommandGroup) -> String {
        listing(overview: group.abstract, usage: "\(name) \(group.name) <subcommand> [options]", under: group.words,
                more: "See '\(name) \(group.name) <subcommand> --help' for details.")
    }

    /// Prints what `words` ask for, or runs the command, and says how the process should end.
    public func run(_ words: [String]) -> ExitCode {
        switch resolve(words) {
        case .overview(let requested):
            Console.print(overview())
            return requested ? .success : .usage
        case .version:
            Console.print("\(name) \(version ?? "")")
            return .success
        case .group(let group, let requested):
            Console.print(help(for: group))
            return requested ? .success : .usage
        case .commandHelp(let command):
            Console.print(command.spec.help(tool: name))
            return .success
        case .missingSubcommand(let group, let found):
            Console.error("error: '\(name) \(group.name)' needs a subcommand before '\(found)'\n\n" + help(for: group))
            return .usage
        case .unknown(let typed, let suggestion, let group):
            Console.error(unknownSubcommandMessage(typed, suggestion: suggestion, group: group))
            return .usage
        case .command(let command, let arguments):
            do {
                return try command.run(try ParsedArguments(arguments, spec: command.spec))
            } catch let error as ValidationError {
                Console.error("error: \(error.message)\nUSAGE: \(command.spec.usage(tool: name))\nSee '\(name) \(command.spec.name) --help'.")
                return .usage
            } catch let failure as CommandFailure {
                Console.error("error: \(failure.message)")
                return failure.exitCode
            } catch {
                Console.error("error: \(error)")
                return .failure
            }
        }
    }

    /// A slip gets the closest name and where its help is; anything else the short usage and where
    /// the list of subcommands is. Neither repeats the whole overview: the error must stay in sight.
    public func unknownSubcommandMessage(_ typed: String, suggestion: String?, group: CommandGroup?) -> String {
        if let suggestion {
            return "error: unknown subcommand '\(typed)'; did you mean '\(suggestion)'?\nSee '\(name) \(suggestion) --help'."
        }
        let prefix = group.map { "\(name) \($0.name)" } ?? name
        return "error: unknown subcommand '\(typed)'\nUSAGE: \(prefix) <subcommand> [options]\nSee '\(prefix) --help' for the list of subcommands."
    }

    /// The longest declared group that prefixes `words`.
    private func innermostGroup(of words: [String]) -> CommandGroup? {
        groups.filter { words.starts(with: $0.words) }.max { $0.words.count < $1.words.count }
    }

    /// The commands and groups one word below `prefix`, in table order, each with its abstract.
    private func listing(overview: String, usage: String, under prefix: [String], more: String) -> String {
        var lines = ["OVERVIEW: \(overview)", "", "USAGE: \(usage)", "", "SUBCOMMANDS:"]
        var listed: Set<String> = []
        for command in commands where command.words.count > prefix.count && command.words.starts(with: prefix) {
            let next = command.words[prefix.count]
            guard listed.insert(next).inserted else { continue }
            let words = prefix + [next]
            let abstract = words == command.words ? command.spec.abstract
                : groups.first { $0.words == words }.map { "\($0.abstract) (\(name) \($0.name) --help)" } ?? ""
            lines.append("  \(next)".padding(to: 22) + abstract)
        }
        lines += ["", "  \(more)"]
        return lines.joined(separator: "\n")
    }
}
