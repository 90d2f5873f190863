import TollgateSimulation

/// Scenario files (`ScenarioParser.parse`), and what the simulator reads off a parsed scenario first
/// (its node count, its test-suite form). An accepted scenario keeps the rules `parse` promises to
/// enforce, and parsing is deterministic.
public enum ScenarioCheck: FuzzCheck {
    public static let name = "scenario"

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        let parser = ScenarioParser(file: "fuzz.sim")
        guard let scenario = try? parser.parse(text, name: "fuzz") else { return }
        try FuzzFailure.require((try? parser.parse(text, name: "fuzz")) == scenario, .ruleBroken, "parsing the same text twice differs")
        try FuzzFailure.require(scenario.latency.lowerBound >= 1, .ruleBroken, "latency \(scenario.latency) accepted")
        try FuzzFailure.require(scenario.revokeNotice > scenario.syncWithinSeconds, .ruleBroken,
                                "revocation notice \(scenario.revokeNotice) s accepted with sync_within \(scenario.syncWithinSeconds) s")
        try FuzzFailure.require(scenario.generals >= 1 && scenario.regionalsPerGeneral >= 1 && scenario.customers >= 0, .ruleBroken,
                                "node or customer counts below their minimum accepted")
        try FuzzFailure.require(scenario.nodeCount == 1 + scenario.generals + scenario.regionals, .ruleBroken, "the node count does not add up")
        let forTests = scenario.forTests
        try FuzzFailure.require(forTests.adversaries.count == scenario.adversaries.count, .ruleBroken, "the test form loses adversaries")
    }
}
