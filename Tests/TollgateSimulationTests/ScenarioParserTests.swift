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

    @Test func unknownKeysAndOptionsNameTheKeyAndLine() {
        #expect(throws: ScenarioError(file: "t.sim", line: 3, "custumers: unknown key 'custumers'")) {
            try parse("# Typo.\ngenerals 1\ncustumers 5\n")
        }
        #expect(throws: ScenarioError(file: "t.sim", line: 2, "crash: unknown option 'fro'")) {
            try parse("# Typo.\ncrash r1 at=1d for=1h fro=2d\n")
        }
        #expect(throws: ScenarioError(file: "t.sim", line: 2, "loss: cannot read '1.5'")) {
            try parse("# Bad value.\nloss 1.5\n")
        }
        #expect(throws: ScenarioError(file: "t.sim", line: 2, "adversary: unknown cheat 'steal' (\(Cheat.allCases.map(\.rawValue).joined(separator: ", ")), random)")) {
            try parse("# Bad cheat.\nadversary r1 steal at=1d\n")
        }
    }

    @Test func theFirstLineSaysWhatTheScenarioIsFor() {
        #expect(throws: ScenarioError.self) { try parse("generals 1\n") }
        #expect(throws: ScenarioError.self) { try parse("#\ngenerals 1\n") }
    }

    @Test func refusesFaultsThatWouldMakeHonestNodesLookDishonest() {
        // An outage as long as sync_within makes an honest node stale; a clock off by more than
        // the request window makes its syncs look like replays.
        #expect(throws: ScenarioError.self) { try parse("# Too long.\nsync_within 7d\npartition r1 at=1d for=7d\n") }
        #expect(throws: ScenarioError.self) { try parse("# Too skewed.\nskew r1 +100s\njump r1 at=1d by=+60s\n") }
        #expect(throws: ScenarioError.self) { try parse("# Notice too short.\nsync_within 7d\nrevocations 1/d notice=3d\n") }
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
        #expect(throws: ScenarioError(file: "t.sim", line: 2, "jump: cannot read by=+3055555555555555555555555s")) {
            try parse("# Too far.\njump r3 at=2d by=+3055555555555555555555555s\n")
        }
        #expect(throws: ScenarioError(file: "t.sim", line: 2, "duration: cannot read '1e300d'")) { try parse("# Too long.\nduration 1e300d\n") }
    }

    @Test func namedNodesMustExist() throws {
        let scenario = try parse("# Missing node.\ngenerals 1\nregionals_per_general 2\ncrash r7 at=1d for=1h\n")
        #expect(throws: ScenarioError.self) { _ = try Simulation(scenario: scenario, seed: 1) }
    }
}
