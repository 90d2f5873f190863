import Dispatch
import Foundation
import Synchronization

/// Runs one scenario over many seeds, on several threads (each run is independent and its result
/// does not depend on threads, so neither do the sweep's).
public struct SimulationSweep: Sendable {
    /// One seed's outcome; the full report is kept only for failures.
    public struct Outcome: Sendable {
        public var seed: UInt64
        public var passed: Bool
        public var traceHash: String
        public var wallSeconds: Double
        public var simulated: Int64
        public var nodeCount: Int
        public var failedReport: SimulationReport?
        /// Set when the run could not even start.
        public var error: String?
    }

    public let scenario: Scenario
    public let jobs: Int
    public let options: SimulationOptions

    /// With a run on every core the runs already fill the machine, so each run's desks stay on its
    /// loop's thread (``SimulationOptions/parallelDesks`` off); a desk thread per run would only add
    /// switching. Runs and trace hashes are the same either way.
    public init(scenario: Scenario, jobs: Int, options: SimulationOptions = SimulationOptions()) {
        self.scenario = scenario
        self.jobs = max(1, jobs)
        var options = options
        if self.jobs >= ProcessInfo.processInfo.activeProcessorCount { options.parallelDesks = false }
        self.options = options
    }

    /// Runs every seed in `seeds`; `progress` is called (from a worker thread) as each one ends.
    public func run(seeds: [UInt64], progress: (@Sendable (Outcome) -> Void)? = nil) -> [Outcome] {
        let state = Mutex((next: 0, outcomes: [Outcome]()))
        let scenario = self.scenario
        let options = self.options
        DispatchQueue.concurrentPerform(iterations: min(jobs, seeds.count)) { _ in
            while true {
                let index = state.withLock { state -> Int in
                    defer { state.next += 1 }
                    return state.next
                }
                guard index < seeds.count else { return }
                let outcome = Self.runOne(scenario, seed: seeds[index], options: options)
                state.withLock { $0.outcomes.append(outcome) }
                progress?(outcome)
            }
        }
        return state.withLock { $0.outcomes }.sorted { $0.seed < $1.seed }
    }

    static func runOne(_ scenario: Scenario, seed: UInt64, options: SimulationOptions) -> Outcome {
        do {
            let report = try Simulation(scenario: scenario, seed: seed, options: options).run()
            return Outcome(seed: seed, passed: report.passed, traceHash: report.traceHash, wallSeconds: report.wallSeconds,
                           simulated: report.simulated, nodeCount: report.nodes.count, failedReport: report.passed ? nil : report)
        } catch {
            return Outcome(seed: seed, passed: false, traceHash: "", wallSeconds: 0, simulated: 0, nodeCount: 0, failedReport: nil,
                           error: "\(error)")
        }
    }
}
