import Testing
import TollgateCommandLine

@Suite struct ParsedArgumentsTests {
    let spec = CommandFixtures.spec

    private func code(_ arguments: [String]) -> ValidationError.Code? {
        do {
            _ = try ParsedArguments(arguments, spec: spec)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func typedValuesComeBackThroughTheirDeclarations() throws {
        let parsed = try ParsedArguments(["--name", "a", "--count=3", "--tags", "x,y", "--color", "red", "--json",
                                          "--include", "one", "in.txt", "--include", "two"], spec: spec)
        #expect(try parsed.required(CommandFixtures.name) == "a")
        #expect(try parsed.value(CommandFixtures.count) == 3)
        #expect(try parsed.value(CommandFixtures.tags) == ["x", "y"])
        #expect(try parsed.value(CommandFixtures.color) == .red)
        #expect(try parsed.value(CommandFixtures.at) == nil)
        #expect(!parsed.contains(CommandFixtures.every))
        #expect(try parsed.values(CommandFixtures.include) == ["one", "two"])
        #expect(parsed.isSet(CommandFixtures.json))
        #expect(parsed.value(of: CommandFixtures.file) == "in.txt")
    }

    @Test func eachMistakeHasItsCode() {
        #expect(code(["--name", "a", "f", "--colour", "red"]) == .unknownOption)
        #expect(code(["f", "--name"]) == .missingValue)
        #expect(code(["f"]) == .missingOption)
        #expect(code(["--name", "a", "--name", "b", "f"]) == .repeatedOption)
        #expect(code(["--name", "a", "--json=yes", "f"]) == .unexpectedValue)
        #expect(code(["--name", "a"]) == .missingArgument)
        #expect(code(["--name", "a", "f", "g"]) == .unexpectedArgument)
        #expect(code(["--name", "a", "f"]) == nil)
    }

    /// A bad value is refused while parsing, before the command runs, even when the command would
    /// never read that option.
    @Test func badValuesAreRefusedBeforeTheCommandRuns() {
        #expect(code(["--name", "a", "--count", "0", "f"]) == .invalidValue)
        #expect(code(["--name", "a", "--color", "blue", "f"]) == .invalidValue)
        #expect(code(["--name", "a", "--at", "soon", "f"]) == .invalidValue)
        #expect(code(["--name", "a", "--include", "x", "--every", "5w", "f"]) == .invalidValue)
    }

    @Test func anUnknownOptionNamesTheClosestOne() throws {
        do {
            _ = try ParsedArguments(["--name", "a", "f", "--colr", "red"], spec: spec)
            Issue.record("--colr was accepted")
        } catch {
            #expect(error.message.contains("did you mean '--color'?"), "\(error.message)")
        }
        do {
            _ = try ParsedArguments(["--name", "a", "f", "--zzzzzz"], spec: spec)
        } catch {
            #expect(!error.message.contains("did you mean"), "\(error.message)")
        }
    }

    @Test func usageAndHelpListEveryDeclaration() {
        let usage = spec.usage(tool: "tool")
        #expect(usage == "tool make --name <text> [--count <n>] [--tags <a,b>] [--color <red|green>] [--at <time>] [--every <duration>] "
                + "[--include <path> ...] [--json] <file>")
        let help = spec.help(tool: "tool")
        for line in ["OVERVIEW: Make a thing.", "--count <n>", "How many. (optional)", "--json", "<file>", "-h, --help"] {
            #expect(help.contains(line), "help lacks \(line):\n\(help)")
        }
    }
}
