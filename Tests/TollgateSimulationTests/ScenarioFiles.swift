import Foundation
@testable import TollgateSimulation

/// The scenario files under `Simulations/`, found from this source file's location.
enum ScenarioFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Simulations")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".sim") }.sorted()
    }

    static func load(_ name: String) throws -> Scenario {
        try ScenarioParser.load(path: directory.appendingPathComponent(name).path)
    }

    /// Seeds from an environment variable, or the default.
    static func count(_ variable: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[variable].flatMap(Int.init) ?? value
    }

    /// What to print when a run fails: its summary, the replay command, and where its trace went.
    static func explain(_ report: SimulationReport) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(report.traceFileName).path
        try? Data((report.trace.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return report.summary() + "\ntrace written to \(path)"
    }
}
