import Foundation
import Testing
import TollgateCommandLine

@Suite struct CommandLineToolTests {
    let tool = CommandFixtures.tool

    /// The resolution as a short word, so tests compare one value.
    private func resolved(_ words: [String]) -> String {
        switch tool.resolve(words) {
        case .overview(let requested): "overview \(requested)"
        case .version: "version"
        case .group(let group, let requested): "group \(group.name) \(requested)"
        case .command(let command, let arguments): (["command", command.spec.name] + arguments).joined(separator: " ")
        case .commandHelp(let command): "help \(command.spec.name)"
        case .missingSubcommand(let group, let found): "missing \(group.name) \(found)"
        case .unknown(let typed, let suggestion, let group): "unknown \(typed) → \(suggestion ?? "-") in \(group?.name ?? "-")"
        }
    }

    @Test func wordsResolveToCommandsAndHelp() {
        #expect(resolved([]) == "overview false")
        #expect(resolved(["--help"]) == "overview true")
        #expect(resolved(["help"]) == "overview true")
        #expect(resolved(["issue", "--count", "2"]) == "command issue --count 2")
        #expect(resolved(["machine", "check", "x"]) == "command machine check x")
        #expect(resolved(["issue", "--help"]) == "help issue")
        #expect(resolved(["help", "issue"]) == "help issue")
        #expect(resolved(["machine", "activate", "-h"]) == "help machine activate")
    }

    @Test func everyGroupHasHelpAloneAndWithHelp() {
        #expect(resolved(["machine"]) == "group machine false")
        #expect(resolved(["machine", "--help"]) == "group machine true")
        #expect(resolved(["machine", "-h"]) == "group machine true")
        #expect(resolved(["help", "machine"]) == "group machine true")
        #expect(resolved(["machine", "--dir", "x"]) == "missing machine --dir")
        let help = tool.help(for: tool.groups[0])
        #expect(help.contains("OVERVIEW: Machine commands."))
        #expect(help.contains("USAGE: tool machine <subcommand>"))
        #expect(help.contains("  activate") && help.contains("Activate a machine."))
        #expect(help.contains("  check") && help.contains("Check a machine."))
        #expect(!help.contains("Issue a license."))
    }

    @Test func theOverviewListsTopLevelCommandsAndGroupsOnce() {
        let overview = tool.overview()
        let lines = overview.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.filter { $0.hasPrefix("machine ") }.count == 1, "\(overview)")
        #expect(overview.contains("Machine commands."))
        #expect(overview.contains("Issue a license.") && overview.contains("Serve."))
        #expect(!overview.contains("Activate a machine."))
    }

    @Test func anUnknownSubcommandNamesTheClosestCommand() {
        #expect(resolved(["machine", "activte"]) == "unknown machine activte → machine activate in machine")
        #expect(resolved(["activate"]) == "unknown activate → machine activate in -")
        #expect(resolved(["machin"]) == "unknown machin → machine in -")
        #expect(resolved(["machin", "check"]) == "unknown machin → machine check in -")
        #expect(resolved(["isue", "--count", "1"]) == "unknown isue → issue in -")
        #expect(resolved(["machine", "serve"]) == "unknown machine serve → serve in machine")
        #expect(resolved(["frobnicate"]) == "unknown frobnicate → - in -")
        #expect(resolved(["machine", "frobnicate"]) == "unknown machine frobnicate → - in machine")
    }

    @Test func versionIsAskedForByFlagOrWord() {
        #expect(resolved(["--version"]) == "version")
        #expect(resolved(["version"]) == "version")
        #expect(resolved(["-V"]) == "version")
        #expect(tool.run(["--version"]) == .success)
        let unversioned = CommandLineTool(name: "t", abstract: "t", commands: [CommandFixtures.subcommand("serve", "Serve.")])
        #expect(unversioned.run(["--version"]) == .usage)
        #expect(tool.overview().contains("'tool --version'"))
    }

    /// Only a slip names a command; anything else gets the usage line and where the list is, never
    /// the whole overview.
    @Test func anUnknownSubcommandGetsAShortMessage() {
        let slip = tool.unknownSubcommandMessage("isue", suggestion: "issue", group: nil)
        #expect(slip == "error: unknown subcommand 'isue'; did you mean 'issue'?\nSee 'tool issue --help'.")
        let other = tool.unknownSubcommandMessage("machine frob", suggestion: nil, group: tool.groups[0])
        #expect(other == "error: unknown subcommand 'machine frob'\nUSAGE: tool machine <subcommand> [options]\nSee 'tool machine --help' for the list of subcommands.")
    }

    @Test func runReturnsTheExitCodeOfEachOutcome() {
        #expect(tool.run(["issue", "--count", "2"]) == .success)
        #expect(tool.run(["issue", "--count", "0"]) == .usage)
        #expect(tool.run(["machine", "--help"]) == .success)
        #expect(tool.run(["machine"]) == .usage)
        #expect(tool.run(["machine", "activte"]) == .usage)
        let failing = CommandLineTool(name: "t", abstract: "t", commands: [
            Subcommand(spec: CommandSpec(name: "fail", abstract: "Fails.")) { _ in throw CommandFailure("no") },
        ])
        #expect(failing.run(["fail"]) == .failure)
        let refusing = CommandLineTool(name: "t", abstract: "t", commands: [
            Subcommand(spec: CommandSpec(name: "sell", abstract: "Sells.")) { _ in throw CommandFailure("below the floor", exitCode: .refused) },
        ])
        #expect(refusing.run(["sell"]).rawValue == 4)
    }

    /// The table scripts rely on is printed once in the overview and summed up under each command.
    @Test func exitCodesAreDocumentedInTheHelp() {
        let overview = tool.overview()
        #expect(overview.contains("EXIT CODES:"))
        for entry in ExitCode.documented { #expect(overview.contains("  \(entry.code.rawValue)".padding(to: 22) + entry.meaning)) }
        #expect(ExitCode.documented.map(\.code.rawValue) == [0, 1, 2, 3, 4])
        #expect(CommandFixtures.spec.help(tool: "tool").hasSuffix("EXIT CODES: 0 ok, 1 invalid, 2 usage, 3 failure, 4 refused (see 'tool --help')"))
    }
}
