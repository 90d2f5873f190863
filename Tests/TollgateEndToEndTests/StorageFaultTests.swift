import Foundation
import Glibc
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateTestSupport

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
                // A plain sentence: no SQL, no SQLite code, no path of the store (those go to the node's log).
                #expect(StoreInternals.found(in: response.bodyText, paths: [directory]) == [], "\(what): \(response.bodyText)", sourceLocation: sourceLocation)
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

            // Space returns: writes are taken again at once, by the same process. (The file size limit
            // holds the node's log file too, so this test cannot read the SQL logged; the read-only one does.)
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

        /// How to run a node that file modes apply to: as it is when the tests do not run as root, or,
        /// as root (which ignores file modes), as `nobody` through util-linux `setpriv` when the
        /// `tollgate` binary is reachable by other users. Nil when neither is possible.
        static let unprivileged: (launcher: [String], owner: (uid_t, gid_t)?)? = {
            guard getuid() == 0 else { return ([], nil) }
            guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
            // Every directory above the binary must let others through, and the binary let them run it.
            var url = URL(fileURLWithPath: TollgateBinary.path).resolvingSymlinksInPath()
            var info = stat()
            guard stat(url.path, &info) == 0, info.st_mode & S_IXOTH != 0 else { return nil }
            while url.path != "/" {
                url.deleteLastPathComponent()
                guard stat(url.path, &info) == 0, info.st_mode & S_IXOTH != 0 else { return nil }
            }
            return ([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"], (65534, 65534))
        }()

        /// Sets the modes of the node directory and its files: read-only, or back to what a node writes.
        static func setModes(of directory: URL, writable: Bool, owner: (uid_t, gid_t)?) throws {
            let manager = FileManager.default
            for name in try manager.contentsOfDirectory(atPath: directory.path) {
                let path = directory.appendingPathComponent(name).path
                if let (uid, gid) = owner { try #require(chown(path, uid, gid) == 0, "chown \(path)") }
                let secret = name == "node.key" || name == "operator.token"
                try #require(chmod(path, writable ? (secret ? 0o600 : 0o644) : (secret ? 0o400 : 0o444)) == 0, "chmod \(path)")
            }
            if let (uid, gid) = owner { try #require(chown(directory.path, uid, gid) == 0) }
            try #require(chmod(directory.path, writable ? 0o755 : 0o555) == 0)
        }

        /// A node started on a directory it cannot write (after a clean stop, or after SIGKILL left its
        /// WAL behind with acknowledged commits in it) serves what it holds, refuses writes naming the
        /// directory as read-only, and takes them once the directory is writable again, without a restart.
        @Test(.enabled(if: unprivileged != nil, "running as root, which ignores file modes, without setpriv or with a tollgate binary other users cannot reach"),
              arguments: [false, true])
        func readOnlyDirectoryServesReadsAndTakesWritesOnceWritable(killed: Bool) throws {
            let setup = try #require(Self.unprivileged)
            let agent = try AgentFixture("read-only")
            let api = try agent.client()
            var sale = AgentFixture.sale
            sale["seats"] = 2
            var acknowledged: [String: String] = [:]
            for _ in 0..<3 {
                let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale)
                acknowledged[try SignedLicense(compact: file.license).hash] = file.license
            }
            let recorded = try api.get("/v1/log/checkpoint").bodyText
            let last = try SignedLicense(compact: try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale).license)
            acknowledged[last.hash] = last.compact
            if killed { agent.node.kill() } else { agent.node.expectCleanExit() }

            let directory = agent.node.directory
            let runtime = agent.scratch.url.appendingPathComponent("run")
            try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
            try #require(chmod(runtime.path, 0o777) == 0)
            try Self.setModes(of: directory, writable: false, owner: setup.owner)
            defer { try? Self.setModes(of: directory, writable: true, owner: nil) }
            let node = try NodeProcess(directory: directory, launcher: setup.launcher, portFileDirectory: runtime)
            let operatorAPI = try NodeAPIClient(node)
            let customer = try NodeAPIClient(baseURL: node.baseURL, token: nil)

            // Reads: health, exactly the acknowledged licenses, a license's status, the recorded checkpoint.
            #expect(try operatorAPI.get("/healthz").status.code == 200)
            let listed = try operatorAPI.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0.hash, $0.license) }) == acknowledged)
            #expect(try customer.get("/v1/licenses/\(last.hash)/status").status.code == 200)
            let checkpoint = try operatorAPI.get("/v1/log/checkpoint")
            #expect(checkpoint.status.code == 200 && checkpoint.bodyText == recorded, "\(checkpoint.status.code): \(checkpoint.bodyText)")

            // Writes: refused in a plain sentence; the SQL goes to the node's log only.
            let machine = try TestMachine()
            for (what, response) in [("a sale", try operatorAPI.send(.post, "/v1/licenses", json: sale)),
                                     ("an activation", try customer.send(.post, "/v1/activations", body: try machine.body(.activate, license: last.hash),
                                                                         contentType: "application/jose"))] {
                #expect(response.status.code == 503, "\(what): \(response.bodyText)")
                #expect(response.problemDetails?.type == ProblemType.named("storage-read-only"), "\(what): \(response.bodyText)")
                #expect(StoreInternals.found(in: response.bodyText, paths: [directory.path]) == [], "\(what): \(response.bodyText)")
            }
            #expect(node.log.contains("storage failure (read_only)") && node.log.contains("SQLite code"), "\(node.log.suffix(2000))")

            // Writable again: the same process takes writes.
            try Self.setModes(of: directory, writable: true, owner: setup.owner)
            let after = try SignedLicense(compact: try operatorAPI.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: sale).license)
            acknowledged[after.hash] = after.compact
            #expect(after.payload.seats.start == last.payload.seats.end)
            let receipt = try customer.expect(Wire.Receipt.self, status: 201, .post, "/v1/activations",
                                              body: try machine.body(.activate, license: last.hash), contentType: "application/jose")
            let final = try operatorAPI.get("/v1/log/checkpoint")
            #expect(final.status.code == 200)
            node.expectCleanExit()

            let store = try node.checkStore(against: final.bodyText)
            #expect(store.integrity == "ok")
            #expect(store.problems.isEmpty, "\(store.problems.prefix(5))")
            let logged = Set(store.entries.map { String(decoding: $0.bytes, as: UTF8.self) })
            #expect(acknowledged.values.allSatisfy(logged.contains) && logged.contains(receipt.activation))
            #expect(store.entries.count == 1 + acknowledged.count + 1)
        }
    }
}
