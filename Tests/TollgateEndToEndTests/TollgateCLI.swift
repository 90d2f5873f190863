import Foundation

/// Runs the `tollgate` executable to completion, for the steps that have no HTTP API (creating node
/// directories) or that set up a fixture offline.
enum TollgateCLI {
    struct Outcome {
        var status: Int32
        var output: String
        var errors: String
    }

    struct Failure: Error, CustomStringConvertible {
        var arguments: [String]
        var outcome: Outcome
        var description: String {
            "tollgate \(arguments.joined(separator: " ")) exited \(outcome.status)\n\(outcome.output)\(outcome.errors)"
        }
    }

    /// Runs `tollgate arguments…` (or another of the package's executables); any exit status is returned.
    static func outcome(_ arguments: [String], binary: String = TollgateBinary.path, in directory: URL? = nil,
                        environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let errorData = ErrorCollector(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                       errors: String(decoding: errorData.wait(), as: UTF8.self))
    }

    /// Runs `tollgate arguments…` and throws unless it exits 0.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let result = try outcome(arguments)
        guard result.status == 0 else { throw Failure(arguments: arguments, outcome: result) }
        return result.output
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class ErrorCollector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
