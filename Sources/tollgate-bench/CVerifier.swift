import Foundation
import TollgateCommandLine

/// Deploy/libtollgate/bench-verify.c running as a child process, the license opened once: each
/// round writes a count of calls to its input and reads back how long they took, so rounds of C
/// and Swift can alternate without timing the process's start.
final class CVerifier {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()

    init(program: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// Verifications per second of the child's processor time over `calls` calls of tollgate_verify.
    func rate(calls: Int) throws -> Double {
        input.fileHandleForWriting.write(Data("\(calls)\n".utf8))
        let line = try readLine()
        let fields = line.split(separator: " ")
        guard fields.count == 2, Int(fields[0]) == calls, let nanoseconds = Double(fields[1]), nanoseconds > 0 else {
            throw CommandFailure("bench-verify answered \"\(line)\" to \(calls) calls")
        }
        return Double(calls) / (nanoseconds / 1e9)
    }

    /// Ends the child: end of input makes it destroy its handle and exit.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                process.waitUntilExit()
                throw CommandFailure("bench-verify ended (status \(process.terminationStatus)) before answering")
            }
            pending.append(chunk)
        }
    }
}
