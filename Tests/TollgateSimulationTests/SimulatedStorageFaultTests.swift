import Foundation
import Testing
import TollgateLedger
@testable import TollgateSimulation

/// Storage faults (busy, I/O error, disk full at commit) injected through the store's seam: the
/// nodes refuse with 503 and keep nothing of the call, and every invariant still holds.
@Suite struct SimulatedStorageFaultTests {
    @Test func storageFaultsAreRefusedAndTheInvariantsHold() throws {
        let scenario = try ScenarioFiles.load("storage-faults.sim").forTests
        #expect(Set(scenario.storageFaults.map(\.fault)) == Set(SQLiteFault.allCases), "the scenario injects every kind of fault")
        let report = try Simulation(scenario: scenario, seed: 5).run()
        #expect(report.passed, "storage-faults seed 5 failed:\n\(ScenarioFiles.explain(report))")
        let refusals = report.nodes.reduce(into: [String: Int]()) { total, node in
            for (problem, count) in node.statistics.refusals { total[problem, default: 0] += count }
        }
        #expect(refusals["storage", default: 0] > 0 && refusals["storage-full", default: 0] > 0,
                "customers and operators met both storage problems: \(refusals)")
        #expect(report.nodes.reduce(0) { $0 + $1.statistics.syncFailed } > 0, "sync rounds met the faults too")
    }

    @Test func theStorageFaultLineReadsItsKindAndWindow() throws {
        let text = "# faults\nstorage_faults g1 disk_full 0.25 from=1d..2d for=3h\nstorage_faults root busy 0.5\n"
        let scenario = try ScenarioParser(file: "t.sim").parse(text, name: "t")
        #expect(scenario.storageFaults == [
            Scenario.StorageFaultPlan(node: .named("g1"), fault: .diskFull, probability: 0.25, start: Scenario.Moment(Scenario.day, 2 * Scenario.day),
                                      length: 3 * Scenario.hour),
            Scenario.StorageFaultPlan(node: .named("root"), fault: .busy, probability: 0.5, start: Scenario.Moment(0), length: nil),
        ])
        #expect(throws: ScenarioError.self) { try ScenarioParser(file: "t.sim").parse("# x\nstorage_faults g1 melted 0.1\n", name: "t") }
        #expect(throws: ScenarioError.self) { try ScenarioParser(file: "t.sim").parse("# x\nstorage_faults g1 busy 2\n", name: "t") }
    }

    @Test func theSameSeedInjectsTheSameFaults() throws {
        let scenario = try ScenarioFiles.load("storage-faults.sim").forTests
        let first = try Simulation(scenario: scenario, seed: 9).run()
        let second = try Simulation(scenario: scenario, seed: 9).run()
        #expect(first.traceHash == second.traceHash)
        #expect(first.nodes.map(\.statistics.refusals) == second.nodes.map(\.statistics.refusals))
    }
}
