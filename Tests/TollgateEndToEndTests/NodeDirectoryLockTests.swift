import Foundation
import Testing

extension EndToEnd {
    /// One writer per node directory: while `node serve` has it open, an offline command on the same
    /// directory (or a second server) is refused at once, naming the directory and the running
    /// process, and writes nothing; once the server dies, even by SIGKILL, the directory is usable at once.
    @Suite struct NodeDirectoryLockTests {
        static func issue(_ agent: AgentFixture, out: String) throws -> TollgateCLI.Outcome {
            try TollgateCLI.outcome(["issue", "--dir", agent.node.directory.path, "--customer", "Offline GmbH", "--country", "DE",
                                     "--product", "cad", "--model", "perpetual", "--price", "EUR:5.00", "--out", out])
        }

        @Test func secondWriterIsRefusedWhileServedAndTheLockDiesWithTheServer() throws {
            let agent = try AgentFixture("lock")
            let api = try agent.client()
            let directory = agent.node.directory.path
            #expect(try api.send(.post, "/v1/licenses", json: AgentFixture.sale).status.code == 201)
            let before = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            let checkpointBefore = try api.get("/v1/log/checkpoint").bodyText
            let filesBefore = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()

            // An offline sale on the served directory: refused, naming the directory, the server's pid and command.
            let out = agent.scratch.path("offline.license")
            let refused = try Self.issue(agent, out: out)
            #expect(refused.status != 0)
            #expect(refused.errors.contains("node directory \(directory) is in use"), "\(refused.errors)")
            #expect(refused.errors.contains("process \(agent.node.processIdentifier) ("), "\(refused.errors)")
            #expect(refused.errors.contains("node serve"), "\(refused.errors)")
            #expect(refused.errors.contains("--node \(agent.node.baseURL)"), "\(refused.errors)")
            #expect(!FileManager.default.fileExists(atPath: out))

            // A read-only command is told to ask the running node instead.
            let listing = try TollgateCLI.outcome(["list", "licenses", "--dir", directory])
            #expect(listing.status != 0)
            #expect(listing.errors.contains("--node \(agent.node.baseURL)"), "\(listing.errors)")

            // Nothing was written: the same licenses, the same log, the same files.
            let after = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(after.map(\.hash) == before.map(\.hash))
            #expect(try api.get("/v1/log/checkpoint").bodyText == checkpointBefore)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == filesBefore)

            // A second server on the same directory does not start (its attempt removes the port file only).
            #expect(throws: NodeProcess.StartFailure.self) { _ = try NodeProcess(directory: agent.node.directory) }

            // SIGKILL leaves no stale lock: the offline sale works at once, then the node serves again with it.
            agent.node.kill()
            let issued = try Self.issue(agent, out: out)
            #expect(issued.status == 0, "\(issued.output)\(issued.errors)")
            #expect(FileManager.default.fileExists(atPath: out))
            try agent.node.start()
            let served = try agent.client().expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(served.count == before.count + 1)
            agent.node.expectCleanExit()
        }
    }
}
