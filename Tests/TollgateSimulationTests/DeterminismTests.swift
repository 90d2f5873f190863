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

    /// Customers' steps on the desks' thread, behind the event loop, give the same run as on the
    /// event loop's thread alone.
    @Test func theDesksThreadGivesTheSameRunAsTheEventLoopAlone() throws {
        let scenario = try ScenarioFiles.load("mixed-faults.sim").forTests
        var loopAlone = SimulationOptions()
        loopAlone.parallelDesks = false
        for seed: UInt64 in [21, 22, 23] {
            let threaded = try Simulation(scenario: scenario, seed: seed).run()
            let alone = try Simulation(scenario: scenario, seed: seed, options: loopAlone).run()
            #expect(threaded.traceHash == alone.traceHash, "seed \(seed)")
            #expect(threaded.traceLines == alone.traceLines, "seed \(seed)")
            #expect(threaded.events == alone.events, "seed \(seed)")
            #expect(threaded.nodes.map(\.statistics.issued) == alone.nodes.map(\.statistics.issued), "seed \(seed)")
            #expect(threaded.findings.count == alone.findings.count, "seed \(seed)")
            #expect(threaded.nodes.reduce(0) { $0 + $1.statistics.issued } > 0, "customers bought licenses")
        }
    }

    /// Nodes whose stores are scratch files (as `tollgate sim run` keeps them) give the same run as
    /// nodes in memory, through crashes and storage faults, and leave no file behind.
    @Test func scratchStoresGiveTheSameRunAsStoresInMemory() throws {
        let scenario = try ScenarioFiles.load("storage-faults.sim").forTests
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-sim-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var onDisk = SimulationOptions()
        onDisk.storeDirectory = directory
        onDisk.storeCacheKibibytes = 256
        let inMemory = try Simulation(scenario: scenario, seed: 5).run()
        var stored: [String] = []
        let scratch = try {
            let simulation = try Simulation(scenario: scenario, seed: 5, options: onDisk)
            stored = try FileManager.default.contentsOfDirectory(atPath: directory)
            return try simulation.run()
        }()
        #expect(scratch.traceHash == inMemory.traceHash)
        #expect(scratch.events == inMemory.events)
        #expect(scratch.passed && inMemory.passed)
        #expect(stored.count == scratch.nodes.count, "one file per node: \(stored)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
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
