import Foundation
import Testing
@testable import TollgateSimulation

/// The CI sweep: a small scenario with every kind of fault and a random cheat, over many seeds.
/// `TOLLGATE_SIM_SEEDS` sets how many (200 by default), `TOLLGATE_SIM_SCENARIO` which file.
@Suite struct SweepTests {
    @Test func boundedSweepPassesOnEverySeed() throws {
        let name = ProcessInfo.processInfo.environment["TOLLGATE_SIM_SCENARIO"] ?? "ci-sweep.sim"
        let count = ScenarioFiles.count("TOLLGATE_SIM_SEEDS", default: 200)
        let scenario = try ScenarioFiles.load(name)
        let outcomes = SimulationSweep(scenario: scenario, jobs: ProcessInfo.processInfo.activeProcessorCount)
            .run(seeds: (1...UInt64(max(1, count))).map { $0 })
        #expect(outcomes.count == count)
        for outcome in outcomes where !outcome.passed {
            let detail = outcome.failedReport.map(ScenarioFiles.explain) ?? outcome.error ?? "no report"
            Issue.record("\(name) failed on seed \(outcome.seed); replay: tollgate sim run Simulations/\(name) --seed \(outcome.seed)\n\(detail)")
        }
    }
}
