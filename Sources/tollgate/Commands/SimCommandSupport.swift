import Foundation
import TollgateSimulation

/// What `sim run` and `sim sweep` share: reading the scenario, the seed options, writing files.
enum SimCommandSupport {
    static func scenario(_ path: String) throws -> Scenario {
        do {
            return try ScenarioParser.load(path: path)
        } catch let error as ScenarioError {
            throw CommandFailure("invalid scenario: \(error)")
        }
    }

    static func seed(_ arguments: ParsedArguments, _ name: String) throws(ValidationError) -> UInt64? {
        guard let text = arguments.value(name) else { return nil }
        guard let value = UInt64(text) else { throw ValidationError("--\(name) must be a non-negative integer, got '\(text)'") }
        return value
    }

    static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
