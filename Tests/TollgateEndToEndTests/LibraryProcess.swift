import Foundation

/// Runs a program of the libtollgate tests (the build script, `cc`, the examples, `nm`, `ldd`) to
/// completion, its standard error folded into the output, and reads what the examples print.
enum LibraryProcess {
    struct Outcome {
        var status: Int32
        var output: String

        /// The `name: value` lines the example programs print ("status", "rule", "state"...).
        var fields: [String: String] {
            var fields: [String: String] = [:]
            for line in output.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            return fields
        }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
