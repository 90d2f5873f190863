import Foundation
import TollgateCommandLine
import TollgateSimulation

/// What `sim run` and `sim sweep` share: the scenario argument, reading it, writing files.
enum SimCommandSupport {
    static let scenario = Positional("scenario", help: "The scenario file.")

    static func scenario(_ path: String) throws -> Scenario {
        do {
            return try ScenarioParser.load(path: path)
        } catch let error as ScenarioError {
            throw CommandFailure("invalid scenario: \(error)")
        }
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// A fresh directory under the system's temporary directory for a run's scratch stores (see
    /// ``SimulationOptions/storeDirectory``); the caller removes it.
    static func scratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-sim-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        } catch {
            throw CommandFailure("cannot create a directory for the simulated nodes' stores at \(path): \(error.localizedDescription)")
        }
        return path
    }
}
