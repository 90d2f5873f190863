import Foundation
import Glibc
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP

extension EndToEnd {
    /// A node whose store cannot be written answers writes with a problem naming its directory,
    /// keeps serving reads, loses nothing it acknowledged, and takes writes again as soon as it can,
    /// without a restart.
    @Suite struct StorageFaultTests {
        /// util-linux `prlimit`, which sets the limits of a running process.
        static let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) }

        /// Sets the soft file size limit (RLIMIT_FSIZE) of a running process to `soft` (a number of
        /// bytes, or `unlimited`): any write past it fails with EFBIG, as on a full disk, with no mount
        /// or privilege needed. Returns the soft limit it replaced.
        @discardableResult
        static func limitFileSize(of pid: pid_t, to soft: String) throws -> String {
            let tool = try #require(prlimit)
            func run(_ arguments: [String]) throws -> String {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: tool)
                process.arguments = ["--pid", String(pid)] + arguments
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                try #require(process.terminationStatus == 0, "prlimit \(arguments) failed")
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let previous = try run(["--fsize", "--output=SOFT", "--noheadings", "--raw"])
            _ = try run(["--fsize=\(soft):"])
            return previous
        }

        @Test(.enabled(if: prlimit != nil, "needs util-linux prlimit to limit a running node's file size"))
        func fullDiskRefusesWritesServesReadsAndTakesWritesAgain() throws {
            let agent = try AgentFixture("disk-full")
            let api = try agent.client()
            let customer = try NodeAPIClient(baseURL: agent.node.baseURL, token: nil)
            var sale = AgentFixture.sale
            sale["seats"] = 2
            var acknowledged: [String: String] = [:]
            for _ in 0..<4 {
                let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
                acknowledged[try SignedLicense(compact: file.license).hash] = file.license
            }
            let recorded = try api.get("/v1/log/checkpoint").bodyText
            // One more sale after that checkpoint, so a new one would have to be recorded while the disk is full.
            let last = try SignedLicense(compact: try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale).license)
            acknowledged[last.hash] = last.compact
            let subAgentKey = Base64URL.encode(try TestMachine().key.publicKey.rawRepresentation)
            let topUp: [String: Any] = ["subject": "sub-agent", "subject_key": subAgentKey, "count": 3]

            let original = try Self.limitFileSize(of: agent.node.processIdentifier, to: "1")
            let directory = agent.node.directory.path
            func expectStorageFull(_ response: HTTPResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
                #expect(response.status.code == 503, "\(what): \(response.bodyText)", sourceLocation: sourceLocation)
                #expect(response.problemDetails?.type == ProblemType.named("storage-full"), "\(what): \(response.bodyText)", sourceLocation: sourceLocation)
                #expect(response.problemDetails?.detail?.contains(directory) == true, "\(what): \(response.bodyText)", sourceLocation: sourceLocation)
            }
            expectStorageFull(try api.send(.post, "/v1/licenses", json: sale), "a sale")
            let machine = try TestMachine()
            expectStorageFull(try customer.send(.post, "/v1/activations", body: try machine.body(.activate, license: last.hash),
                                                contentType: "application/jose"), "an activation")
            expectStorageFull(try api.send(.post, "/v1/delegations", json: topUp), "a top-up")
            // The same again: a failed commit leaves nothing behind that the next attempt trips over.
            expectStorageFull(try api.send(.post, "/v1/licenses", json: sale), "a second sale")

            // Reads are still served: health, the licenses (exactly those acknowledged), status, the recorded checkpoint.
            #expect(agent.node.isRunning, "the node died when its writes failed:\n\(agent.node.log.suffix(2000))")
            #expect(try api.get("/healthz").status.code == 200)
            let listed = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.hash, $0.license) }) == acknowledged)
            #expect(try customer.get("/v1/licenses/\(last.hash)/status").status.code == 200)
            let checkpoint = try api.get("/v1/log/checkpoint")
            #expect(checkpoint.status.code == 200 && checkpoint.bodyText == recorded, "\(checkpoint.status.code): \(checkpoint.bodyText)")

            // Space returns: writes are taken again at once, by the same process.
            try Self.limitFileSize(of: agent.node.processIdentifier, to: original)
            let after = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
            acknowledged[try SignedLicense(compact: after.license).hash] = after.license
            let receipt = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                              body: try machine.body(.activate, license: last.hash), contentType: "application/jose")
            let activation = try SignedActivation(compact: receipt.activation)
            #expect(last.payload.seats.contains(activation.payload.serial))
            let delegated = try api.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: topUp)
            let certificate = try SignedCertificate(compact: try #require(delegated.chain.last))
            // Serials continue where the acknowledged ones end: none reused, none skipped by the failed attempts.
            let ranges = (listed.map(\.seats) + [try SignedLicense(compact: after.license).payload.seats, certificate.payload.seats]).sorted()
            for (left, right) in zip(ranges, ranges.dropFirst()) { #expect(left.end == right.start, "\(left) then \(right)") }
            let final = try api.get("/v1/log/checkpoint")
            #expect(final.status.code == 200)
            agent.node.expectCleanExit()

            let store = try agent.node.checkStore(against: final.bodyText)
            #expect(store.integrity == "ok")
            #expect(store.problems.isEmpty, "\(store.problems.prefix(5))")
            let logged = Set(store.entries.map { String(decoding: $0.bytes, as: UTF8.self) })
            #expect(acknowledged.values.allSatisfy(logged.contains))
            #expect(logged.contains(activation.compact) && logged.contains(certificate.compact))
            // Received certificate, six sales, one activation, one delegation: the failed writes left no entry.
            #expect(store.entries.count == 1 + acknowledged.count + 2)
        }
    }
}
