import Foundation
import Testing
@testable import TollgateSimulation

/// Every scenario under `Simulations/` on a few seeds (its `test_seeds`, at its test size): every
/// invariant holds, every planted cheat is found with its finding and none names an honest node.
@Suite struct ScenarioRunTests {
    @Test(arguments: ScenarioFiles.names)
    func scenarioHoldsItsInvariants(_ name: String) throws {
        let scenario = try ScenarioFiles.load(name).forTests
        for seed in 1...UInt64(scenario.testSeeds) {
            let report = try Simulation(scenario: scenario, seed: seed).run()
            #expect(report.passed, "\(name) seed \(seed) failed:\n\(ScenarioFiles.explain(report))")
            #expect(report.invariants.first { $0.invariant == .verifierSound }?.checks ?? 0 > 0, "\(name): nothing was verified")
            #expect(report.nodes.reduce(0) { $0 + $1.statistics.issued } > 0, "\(name): nothing was sold")
            #expect(report.plants.count == scenario.adversaries.count, "\(name): a cheat was not resolved to a node")
            for plant in report.plants {
                #expect(plant.plantedAt != nil && plant.found, "\(name) seed \(seed): \(plant.cheat) on \(plant.node) was not found")
            }
            #expect(!report.findings.contains { $0.againstHonest }, "\(name) seed \(seed): a finding names an honest node")
        }
    }
}
