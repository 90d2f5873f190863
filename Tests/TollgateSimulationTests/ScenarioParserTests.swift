import Testing
@testable import TollgateSimulation

@Suite struct ScenarioParserTests {
    @Test func readsKeysAndOptions() throws {
        let scenario = try ScenarioParser(file: "t.sim").parse("""
            # A test scenario.
            generals 3   # three of them
            customers 1_000
            partition r2 up at=2d for=7d
            adversary random_regional backdate at=3d..4d
            """, name: "t")
        #expect(scenario.summary == "A test scenario.")
        #expect(scenario.generals == 3)
        #expect(scenario.customers == 1_000)
        #expect(scenario.partitions.first?.direction == .up)
        #expect(scenario.partitions.first?.length == 7 * Scenario.day)
        #expect(scenario.adversaries.first?.at == Scenario.Moment(3 * Scenario.day, 4 * Scenario.day))
        #expect(scenario.adversaries.first?.cheat == .backdate)
    }
}
