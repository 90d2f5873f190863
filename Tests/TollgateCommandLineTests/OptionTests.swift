import Testing
import TollgateCommandLine

@Suite struct OptionTests {
    @Test func integersParseAndKeepToTheirRange() throws {
        #expect(try CommandFixtures.count.parse("7") == 7)
        #expect(throws: ValidationError.self) { try CommandFixtures.count.parse("seven") }
        do {
            _ = try CommandFixtures.count.parse("11")
            Issue.record("11 is outside 1...10")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.message.hasPrefix("--count "), "the message names the option: \(error.message)")
        }
        let unsigned = Option<UInt64>("seed", value: "n", help: "A seed.")
        #expect(try unsigned.parse("0") == 0)
        #expect(throws: ValidationError.self) { try unsigned.parse("-1") }
    }

    @Test func listsChoicesTimesAndDurationsParse() throws {
        #expect(try CommandFixtures.tags.parse(" DE, AT,,") == ["DE", "AT"])
        #expect(try CommandFixtures.color.parse("green") == .green)
        #expect(CommandFixtures.color.valueName == "red|green")
        #expect(throws: ValidationError.self) { try CommandFixtures.color.parse("blue") }
        #expect(try CommandFixtures.at.parse("1700000000") == 1_700_000_000)
        #expect(try CommandFixtures.at.parse("2024-01-01") == 1_704_067_200)
        #expect(try CommandFixtures.at.parse("2024-01-01T00:00:10Z") == 1_704_067_210)
        #expect(throws: ValidationError.self) { try CommandFixtures.at.parse("tomorrow") }
        #expect(try CommandFixtures.every.parse("90s") == 90)
        #expect(try CommandFixtures.every.parse("2d") == 172_800)
        #expect(try CommandFixtures.every.parse("45") == 45)
        for bad in ["0", "-5m", "5w", "d", "999999999999999999d"] {
            #expect(throws: ValidationError.self, "\(bad)") { try CommandFixtures.every.parse(bad) }
        }
    }

    @Test func aCommandsOwnHelpKeepsTheNameAndParsing() throws {
        let narrowed = CommandFixtures.count.with(value: "k", help: "Copies.")
        #expect(narrowed.name == "count" && narrowed.valueName == "k" && narrowed.help == "Copies.")
        #expect(throws: ValidationError.self) { try narrowed.parse("0") }
        #expect(try narrowed.parse("3") == 3)
    }
}
