import Foundation
import Glibc
import Testing
import TollgateCrypto
import TollgateLedger

/// A `tollgate node serve` process on 127.0.0.1 with an ephemeral port read from its port file.
/// Its output goes to `serve.log` in the node directory. A process still running when the value
/// goes away is killed.
final class NodeProcess {
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    let directory: URL
    let extraArguments: [String]
    /// The port asked for: 0 for any free one.
    let requestedPort: Int
    /// A command the node runs under, e.g. `setpriv --reuid …` to serve as another user; empty: none.
    let launcher: [String]
    /// Where the port file goes: the node directory unless the node cannot write there.
    let portFileDirectory: URL
    private var process: Process?
    private(set) var port = 0

    /// Starts serving `directory` with `extraArguments` added to `node serve`, on `port` (0: any free one),
    /// under `launcher`, writing its port file to `portFileDirectory` (default: the node directory).
    init(directory: URL, extraArguments: [String] = [], port: Int = 0, launcher: [String] = [], portFileDirectory: URL? = nil) throws {
        self.directory = directory
        self.extraArguments = extraArguments
        self.requestedPort = port
        self.launcher = launcher
        self.portFileDirectory = portFileDirectory ?? directory
        try start()
    }

    deinit {
        if let process, process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var portFile: URL { portFileDirectory.appendingPathComponent("port") }
    var logFile: URL { directory.appendingPathComponent("serve.log") }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var processIdentifier: pid_t { process?.processIdentifier ?? 0 }
    var isRunning: Bool { process?.isRunning ?? false }

    /// The node's operator token.
    var token: String {
        get throws {
            try String(contentsOf: directory.appendingPathComponent("operator.token"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The server's output so far, for failure messages.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Starts (or restarts) the process and waits until it has written its port file.
    func start() throws {
        precondition(!isRunning, "the node is already running")
        try? FileManager.default.removeItem(at: portFile)
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? TollgateBinary.path)
        process.arguments = (launcher.isEmpty ? [] : launcher.dropFirst() + [TollgateBinary.path]) + ["node", "serve", "--dir", directory.path, "--host", "127.0.0.1", "--port", String(requestedPort),
                             "--port-file", portFile.path] + extraArguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), port > 0 {
                self.port = port
                return
            }
            guard process.isRunning else {
                throw StartFailure(description: "node serve exited with \(process.terminationStatus) before listening:\n\(self.log)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw StartFailure(description: "node serve wrote no port file within 30 s:\n\(self.log)")
    }

    /// Sends SIGTERM (again every half second, since a signal that arrives before the process armed
    /// its handler is ignored) until the process exits; returns its exit status, or nil if it was
    /// still running after `timeout` (then it is killed).
    func terminate(timeout: Duration = .seconds(20)) -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            Glibc.kill(process.processIdentifier, SIGTERM)
            let retry = ContinuousClock.now + .milliseconds(500)
            while process.isRunning && ContinuousClock.now < retry { Thread.sleep(forTimeInterval: 0.005) }
        }
        guard !process.isRunning else {
            kill()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Terminates the process as `terminate()` does and records an issue unless it exited with
    /// status 0; the issue says how it ended and carries the end of its log.
    func expectCleanExit(sourceLocation: SourceLocation = #_sourceLocation) {
        let status = terminate()
        let reason = process.map { $0.terminationReason == .uncaughtSignal ? "signal" : "exit status" } ?? "status"
        #expect(status == 0, "node serve in \(directory.lastPathComponent) ended with \(reason) \(status.map(String.init) ?? "none (still running, killed)"); its log ends:\n\(log.suffix(6000))",
                sourceLocation: sourceLocation)
    }

    /// Sends SIGTERM once, without waiting.
    func signalTerminate() {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
    }

    /// Waits for the process to exit on its own; its exit status, or nil after `timeout`.
    func waitForExit(timeout: Duration) -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        guard !process.isRunning else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the process gets no chance to finish anything.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

extension NodeProcess {
    /// What a stopped node's SQLite file says about itself, read straight from the file.
    struct StoreCheck {
        /// `PRAGMA integrity_check`'s answer: "ok" for a sound file.
        var integrity: String
        /// The node's own log, every entry checked against its stored leaf hash.
        var entries: [LogEntry]
        /// Everything that does not hold: the log's root recomputed from its entries against the
        /// signed checkpoint and the stored tree, inclusion proofs of sampled entries.
        var problems: [String]
    }

    /// Checks the store of this node, which must be stopped, against `checkpointText`, a checkpoint
    /// it served: the signature with the node's key, the root recomputed from the entries' bytes
    /// (RFC 6962, written out here independently of the ledger's code) at the checkpoint's size and
    /// at the whole log's, and an inclusion proof of `sampledProofs` entries spread over the log.
    func checkStore(against checkpointText: String, sampledProofs: Int = 64) throws -> StoreCheck {
        precondition(!isRunning, "stop the node before reading its store")
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("node.sqlite").path)
        let integrity = try database.query("PRAGMA integrity_check").map { try $0.text(0) }.joined(separator: "; ")
        let log = try MerkleLog(database: database, name: "node")
        let size = try log.size
        let entries = try log.entries(in: 0..<size)
        var problems: [String] = []
        let leaves = entries.map { SHA256Digest.hash([0x00] + $0.bytes) }
        let origin = String(checkpointText.prefix { $0 != "\n" })
        let key = try Ed25519PublicKey(contentsOf: directory.appendingPathComponent("node.pub"))
        let checkpoint = try SignedCheckpoint(verifying: checkpointText, name: origin, publicKey: key).checkpoint
        if checkpoint.size > size {
            problems.append("the checkpoint covers \(checkpoint.size) entries, the log holds \(size)")
        } else if Self.rootHash(leaves[0..<Int(checkpoint.size)]) != checkpoint.rootHash {
            problems.append("the root of the first \(checkpoint.size) entries differs from the signed checkpoint's")
        }
        let root = Self.rootHash(leaves[...])
        if try log.rootHash() != root { problems.append("the stored tree's root differs from the one recomputed from the entries") }
        let step = max(1, Int(size) / max(1, sampledProofs))
        for index in stride(from: 0, to: Int(size), by: step) + (size > 0 ? [Int(size) - 1] : []) {
            do {
                try MerkleProof.verifyInclusion(leafHash: leaves[index], index: UInt64(index), size: size,
                                                proof: try log.inclusionProof(index: UInt64(index), size: size), rootHash: root)
            } catch {
                problems.append("entry \(index): \(error)")
            }
        }
        return StoreCheck(integrity: integrity, entries: entries, problems: problems)
    }

    /// RFC 6962 §2.1: the Merkle tree hash of `leaves` (already leaf-hashed).
    static func rootHash(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return SHA256Digest.hash([UInt8]())
        case 1: return leaves[leaves.startIndex]
        default:
            var split = 1
            while split * 2 < leaves.count { split *= 2 }
            let middle = leaves.startIndex + split
            return SHA256Digest.hash([0x01] + rootHash(leaves[..<middle]) + rootHash(leaves[middle...]))
        }
    }
}
