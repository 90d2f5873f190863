import Testing
@testable import TollgateSimulation

@Suite struct ScenarioParserTests {
    func parse(_ text: String) throws(ScenarioError) -> Scenario {
        try ScenarioParser(file: "t.sim").parse(text, name: "t")
    }

    @Test func readsKeysOptionsAndRanges() throws {
        let scenario = try parse("""
            # A test scenario.
            generals 3   # three of them
            customers 1_000
            latency 5ms..1.5s
            partition r2 up at=2d for=7d
            adversary random_regional backdate at=3d..4d
            random_crashes 2/h mean=10m max=1h root=yes
            """)
        #expect(scenario.summary == "A test scenario.")
        #expect(scenario.generals == 3)
        #expect(scenario.customers == 1_000)
        #expect(scenario.latency == 5...1_500)
        #expect(scenario.partitions.first?.direction == .up)
        #expect(scenario.partitions.first?.length == 7 * Scenario.day)
        #expect(scenario.adversaries.first?.at == Scenario.Moment(3 * Scenario.day, 4 * Scenario.day))
        #expect(scenario.adversaries.first?.cheat == .backdate)
        #expect(scenario.randomCrashes?.perDay == 48)
        #expect(scenario.randomCrashes?.includeRoot == true)
    }

    /// The error parsing `text` throws, or nil when it parses.
    func failure(_ text: String) -> ScenarioError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownKeysOptionsAndValuesNameTheirLine() {
        let key = failure("# Typo.\ngenerals 1\ncustumers 5\n")
        #expect(key?.code == .unknownKey && key?.lineNumber == 3, "\(String(describing: key))")
        let option = failure("# Typo.\ncrash r1 at=1d for=1h fro=2d\n")
        #expect(option?.code == .unknownOption && option?.lineNumber == 2, "\(String(describing: option))")
        let value = failure("# Bad value.\nloss 1.5\n")
        #expect(value?.code == .invalidValue && value?.lineNumber == 2, "\(String(describing: value))")
        let cheat = failure("# Bad cheat.\nadversary r1 steal at=1d\n")
        #expect(cheat?.code == .invalidValue && cheat?.lineNumber == 2, "\(String(describing: cheat))")
        let node = failure("# Bad node.\ncrash x1 at=1d for=1h\n")
        #expect(node?.code == .unknownNode && node?.lineNumber == 2, "\(String(describing: node))")
        let missing = failure("# Missing option.\ncrash r1 at=1d\n")
        #expect(missing?.code == .missingOption && missing?.lineNumber == 2, "\(String(describing: missing))")
        let extra = failure("# Extra word.\ngenerals 1 2\n")
        #expect(extra?.code == .unexpectedWord && extra?.lineNumber == 2, "\(String(describing: extra))")
    }

    /// The wording a user reads: the file, the line, the key, and the cheats there are to choose from.
    @Test func wordingNamesTheFileLineKeyAndChoices() {
        #expect(failure("# Typo.\ngenerals 1\ncustumers 5\n")?.description == "t.sim:3: custumers: unknown key 'custumers'")
        #expect(failure("# Bad cheat.\nadversary r1 steal at=1d\n")?.description
                == "t.sim:2: adversary: unknown cheat 'steal' (\(Cheat.allCases.map(\.rawValue).joined(separator: ", ")), random)")
    }

    @Test func theFirstLineSaysWhatTheScenarioIsFor() {
        #expect(failure("generals 1\n")?.code == .missingSummary)
        #expect(failure("#\ngenerals 1\n")?.code == .missingSummary)
    }

    @Test func refusesFaultsThatWouldMakeHonestNodesLookDishonest() {
        // An outage as long as sync_within makes an honest node stale; a clock off by more than
        // the request window makes its syncs look like replays.
        #expect(failure("# Too long.\nsync_within 7d\npartition r1 at=1d for=7d\n")?.code == .unsafeSettings)
        #expect(failure("# Too skewed.\nskew r1 +100s\njump r1 at=1d by=+60s\n")?.code == .unsafeSettings)
        #expect(failure("# Notice too short.\nsync_within 7d\nrevocations 1/d notice=3d\n")?.code == .unsafeSettings)
    }

    @Test func everyScenarioFileParses() throws {
        let names = ScenarioFiles.names
        #expect(names.count >= 16)
        for name in names {
            let scenario = try ScenarioFiles.load(name)
            #expect(!scenario.summary.isEmpty, "\(name) has no description line")
        }
        let cheats = try names.map { try ScenarioFiles.load($0) }.flatMap { $0.adversaries.compactMap(\.cheat) }
        #expect(Set(cheats) == Set(Cheat.allCases), "every cheat has a scenario")
    }

    /// Found by the scenario fuzz target: a duration past Int64 milliseconds trapped the parser.
    @Test func durationsBeyondInt64MillisecondsAreRefused() {
        let jump = failure("# Too far.\njump r3 at=2d by=+3055555555555555555555555s\n")
        #expect(jump?.code == .invalidValue && jump?.lineNumber == 2, "\(String(describing: jump))")
        let duration = failure("# Too long.\nduration 1e300d\n")
        #expect(duration?.code == .invalidValue && duration?.lineNumber == 2, "\(String(describing: duration))")
    }

    @Test func namedNodesMustExist() throws {
        let scenario = try parse("# Missing node.\ngenerals 1\nregionals_per_general 2\ncrash r7 at=1d for=1h\n")
        #expect {
            _ = try Simulation(scenario: scenario, seed: 1)
        } throws: { error in
            (error as? ScenarioError)?.code == .unknownNode
        }
    }
}
