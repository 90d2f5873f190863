import Foundation
import Synchronization
import TollgateCommandLine
import TollgateSimulation

/// `tollgate sim sweep`: one scenario over many seeds, on every core; failing seeds are listed with
/// the command that replays each, and their traces are written.
enum SimSweepCommand: Command {
    static let spec = CommandSpec(
        name: "sim sweep",
        abstract: "Run a simulation scenario over many seeds and report the seeds that fail.",
        discussion: "Exit code 0: every seed passed; 1: some seed failed (each is printed with its replay command); 2: usage; 3: invalid scenario.",
        options: [seeds.required, from, jobs],
        positionals: [SimCommandSupport.scenario])

    static let seeds = Option<UInt64>("seeds", value: "n", help: "How many seeds to run.", range: 1...UInt64.max)
    static let from = Option<UInt64>("from", value: "s", help: "The first seed (default 1).")
    static let jobs = Option<Int>("jobs", value: "n", help: "Parallel runs (default: the number of cores).", range: 1...Int.max)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let scenario = try SimCommandSupport.scenario(arguments.value(of: SimCommandSupport.scenario))
        let count = try arguments.required(seeds)
        let first = try arguments.value(from) ?? 1
        let jobs = try arguments.value(Self.jobs) ?? ProcessInfo.processInfo.activeProcessorCount
        let seeds = (0..<count).map { first + $0 }
        let started = Date()
        let done = Mutex(0)
        let outcomes = SimulationSweep(scenario: scenario, jobs: jobs).run(seeds: seeds) { outcome in
            let finished = done.withLock { count -> Int in
                count += 1
                return count
            }
            if !outcome.passed { Console.print("seed \(outcome.seed) FAILED") }
            if finished % 50 == 0 || finished == seeds.count { Console.print("\(finished)/\(seeds.count) seeds done") }
        }
        let wall = Date().timeIntervalSince(started)
        let failed = outcomes.filter { !$0.passed }
        let runSeconds = outcomes.reduce(0) { $0 + $1.wallSeconds }
        let nodeHours = outcomes.reduce(0.0) { $0 + Double($1.nodeCount) * Double($1.simulated) / 3_600_000 }
        Console.print(String(format: "%@: %d seeds (%llu…%llu), %d passed, %d failed in %.1f s wall on %d jobs (%.2f s per run, %.0f node-hours per wall second)",
                             scenario.name, seeds.count, first, first + count - 1, outcomes.count - failed.count, failed.count, wall, jobs,
                             runSeconds / Double(max(1, outcomes.count)), nodeHours / max(wall, 1e-9)))
        for outcome in failed {
            if let error = outcome.error {
                Console.print("  seed \(outcome.seed): \(error)")
                continue
            }
            guard let report = outcome.failedReport else { continue }
            let broken = report.invariants.filter { !$0.passed }.map { "invariant \($0.invariant.rawValue): \($0.violations.first ?? "")" }
                + report.errors.map { "node error: \($0)" }
            Console.print("  seed \(outcome.seed): \(broken.joined(separator: "; "))")
            Console.print("    replay: \(report.replayCommand)")
            try SimCommandSupport.write(report.trace.joined(separator: "\n") + "\n", to: report.traceFileName)
            Console.print("    trace: \(report.traceFileName)")
        }
        return failed.isEmpty ? .success : .invalid
    }
}
