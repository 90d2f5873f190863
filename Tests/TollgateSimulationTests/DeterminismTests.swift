import Foundation
import Testing
@testable import TollgateSimulation

/// Invariant 5: the same seed and build give the same trace hash, whatever else runs alongside.
@Suite struct DeterminismTests {
    @Test func theSameSeedGivesTheSameTraceHash() throws {
        let scenario = try ScenarioFiles.load("mixed-faults.sim").forTests
        let first = try Simulation(scenario: scenario, seed: 11).run()
        let second = try Simulation(scenario: scenario, seed: 11).run()
        let other = try Simulation(scenario: scenario, seed: 12).run()
        #expect(first.traceHash == second.traceHash)
        #expect(first.traceLines == second.traceLines)
        #expect(first.events == second.events)
        #expect(first.network == second.network)
        #expect(first.traceHash != other.traceHash)
        #expect(first.network.lost > 0 && first.network.duplicated > 0 && first.network.partitioned > 0,
                "the mixed scenario exercises loss, duplication and cuts")
    }

    @Test func desksSideBySideGiveTheSameRunAsDesksInTurn() throws {
        let scenario = try ScenarioFiles.load("mixed-faults.sim").forTests
        var inTurn = SimulationOptions()
        inTurn.parallelDesks = false
        let sideBySide = try Simulation(scenario: scenario, seed: 21).run()
        let oneAfterAnother = try Simulation(scenario: scenario, seed: 21, options: inTurn).run()
        #expect(sideBySide.traceHash == oneAfterAnother.traceHash)
        #expect(sideBySide.traceLines == oneAfterAnother.traceLines)
        #expect(sideBySide.events == oneAfterAnother.events)
        #expect(sideBySide.nodes.map(\.statistics.issued) == oneAfterAnother.nodes.map(\.statistics.issued))
        #expect(sideBySide.nodes.reduce(0) { $0 + $1.statistics.issued } > 0, "customers bought licenses")
    }

    @Test func parallelSweepsGiveTheSameHashesAsSequentialRuns() throws {
        let scenario = try ScenarioFiles.load("ci-sweep.sim")
        let seeds: [UInt64] = [3, 4, 5, 6]
        let parallel = SimulationSweep(scenario: scenario, jobs: 4).run(seeds: seeds)
        let sequential = SimulationSweep(scenario: scenario, jobs: 1).run(seeds: seeds)
        #expect(parallel.map(\.traceHash) == sequential.map(\.traceHash))
        #expect(Set(parallel.map(\.traceHash)).count == seeds.count)
    }
}
