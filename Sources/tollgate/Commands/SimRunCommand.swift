import Foundation
import TollgateCommandLine
import TollgateSimulation

/// `tollgate sim run`: one deterministic simulation of a scenario file, with its summary, and on
/// failure the seed, the replay command and the trace file.
enum SimRunCommand: Command {
    static let spec = CommandSpec(
        name: "sim run",
        abstract: "Run a simulation scenario (Simulations/*.sim) with one seed and check its invariants.",
        discussion: """
            Exit code 0: every invariant held; 1: an invariant failed (the seed, the command that replays it and \
            the trace file are printed); 2: usage; 3: the scenario file is invalid.
            """,
        options: [seed, timeline, trace],
        flags: [replayCheck],
        positionals: [SimCommandSupport.scenario])

    static let seed = Option<UInt64>("seed", value: "n", help: "The seed (default 1); the same seed and build give the same trace hash.")
    static let timeline = Option<String>("timeline", value: "out.svg", help: "Draw partitions, crashes, sync lag, cheats and findings as SVG.")
    static let trace = Option<String>("trace", value: "out.txt", help: "Write the trace (most recent lines) here, even when the run passes.")
    static let replayCheck = Flag("replay-check", help: "Run twice and compare the trace hashes (invariant 5).")

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        let scenario = try SimCommandSupport.scenario(arguments.value(of: SimCommandSupport.scenario))
        let seed = try arguments.value(Self.seed) ?? 1
        let tracePath = try arguments.value(trace)
        var options = SimulationOptions()
        options.keepTrace = tracePath != nil
        let stores = try SimCommandSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: stores) }
        options.storeDirectory = stores
        let report = try Simulation(scenario: scenario, seed: seed, options: options).run()
        Console.print(report.summary())
        var passed = report.passed
        if arguments.isSet(replayCheck) {
            let again = try Simulation(scenario: scenario, seed: seed, options: options).run()
            let same = again.traceHash == report.traceHash
            Console.print("replay: trace hash \(same ? "identical" : "DIFFERS: \(again.traceHash)") (invariant 5 \(same ? "holds" : "FAILED"))")
            passed = passed && same
        }
        if let path = try arguments.value(timeline) {
            try SimCommandSupport.write(TimelinePicture(timeline: report.timeline, title: "\(scenario.name), seed \(seed)").svg(), to: path)
            Console.print("timeline written to \(path)")
        }
        if let path = tracePath ?? (report.passed ? nil : report.traceFileName) {
            try SimCommandSupport.write(report.trace.joined(separator: "\n") + "\n", to: path)
            Console.print("trace (\(report.trace.count) of \(report.traceLines) lines) written to \(path)")
        }
        return passed ? .success : .invalid
    }
}
