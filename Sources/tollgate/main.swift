import Foundation

/// Every subcommand, matched by its words after `tollgate`.
let commands: [any TollgateCommand.Type] = [
    KeygenCommand.self,
    RootInitCommand.self,
    NodeInitCommand.self,
    AcceptCommand.self,
    DelegateCommand.self,
    IssueCommand.self,
    RenewCommand.self,
    ReturnCommand.self,
    RevokeCommand.self,
    ReceiveCommand.self,
    AnswerCommand.self,
    ListCommand.self,
    SyncCommand.self,
    AuditCommand.self,
    ObserveCommand.self,
    ReportCommand.self,
    NodeServeCommand.self,
    VerifyCommand.self,
    MachineInitCommand.self,
    MachineRequestCommand.self,
    MachineInstallCommand.self,
    MachineActivateCommand.self,
    MachineDeactivateCommand.self,
    MachineEmergencyCommand.self,
    MachineStatusCommand.self,
    MachineCheckCommand.self,
    VectorsCommand.self,
    BenchCommand.self,
    IngestBenchCommand.self,
    SimRunCommand.self,
    SimSweepCommand.self,
    HTTPBenchCommand.self,
    IdleClientsCommand.self,
]

@MainActor func overview() -> String {
    var lines = [
        "OVERVIEW: Tollgate — signed license quota for a reseller channel, verifiable offline.",
        "",
        "USAGE: tollgate <subcommand> [options]",
        "",
        "SUBCOMMANDS:",
    ]
    for command in commands { lines.append("  \(command.spec.name)".padding(to: 22) + command.spec.abstract) }
    lines += ["", "  See 'tollgate <subcommand> --help' for details."]
    return lines.joined(separator: "\n")
}

@MainActor func runTollgate(_ argv: [String]) -> ExitCode {
    let words = Array(argv.dropFirst())
    if words.isEmpty || words == ["--help"] || words == ["-h"] || words == ["help"] {
        Console.print(overview())
        return words.isEmpty ? .usage : .success
    }
    // The longest command name that prefixes the words wins (`root init` before `root`).
    let match = commands
        .map { ($0, $0.spec.name.split(separator: " ").map(String.init)) }
        .filter { words.count >= $0.1.count && Array(words.prefix($0.1.count)) == $0.1 }
        .max { $0.1.count < $1.1.count }
    guard let (command, nameWords) = match else {
        Console.error("error: unknown subcommand '\(words.joined(separator: " "))'\n\n" + overview())
        return .usage
    }
    let rest = Array(words.dropFirst(nameWords.count))
    if rest.contains("--help") || rest.contains("-h") {
        Console.print(command.spec.help)
        return .success
    }
    do {
        let arguments = try ParsedArguments(rest, spec: command.spec)
        return try command.run(arguments)
    } catch let error as ValidationError {
        Console.error("error: \(error.message)\nUSAGE: \(command.spec.usage)\nSee 'tollgate \(command.spec.name) --help'.")
        return .usage
    } catch {
        Console.error("error: \(error)")
        return .failure
    }
}

exit(runTollgate(CommandLine.arguments).rawValue)
