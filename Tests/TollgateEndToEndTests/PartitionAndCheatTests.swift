import Foundation
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateService
import TollgateWire

extension EndToEnd {
    /// Sync and audit across real processes: a regional agent cut off from its parent keeps selling
    /// and catches up; a parent killed mid-sync resumes without duplicates; the regional log reaches
    /// the vendor through the general agent; and every cheat a reseller can try is found by the
    /// vendor's audit with evidence that re-checks from the trust anchor alone.
    @Suite struct PartitionAndCheatTests {
        /// Polls `body` until it returns true or 30 s pass.
        func eventually(_ what: String, _ body: () throws -> Bool) throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if try body() { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
            Issue.record("timed out waiting until \(what)")
        }

        func issuedAtVendor(_ channel: ChannelFixture) throws -> UInt64? {
            try channel.vendorAPI.expect(Wire.QuotaReport.self, status: 200, .get, "/v1/reports/quota").quota?.first { $0.name == "ra-dach" }?.issued
        }

        @Test func cutOffAgentKeepsSellingAndCatchesUpThroughARestartedParent() throws {
            let channel = try ChannelFixture("partition")
            channel.general.expectCleanExit()
            channel.regional.expectCleanExit()
            var general = try NodeProcess(directory: channel.general.directory, extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"])
            let regional = try NodeProcess(directory: channel.regional.directory, extraArguments: ["--parent", general.baseURL, "--sync-interval", "1"])
            let api = try NodeAPIClient(regional)
            _ = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "before"))
            try eventually("the vendor sees the first sale") { try issuedAtVendor(channel) == 1 }

            // The general agent goes away: the regional agent is cut off and keeps selling.
            let port = general.port
            general.expectCleanExit()
            for index in 0..<5 {
                _ = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "offline-\(index)"))
            }
            Thread.sleep(forTimeInterval: 1.5)  // a few failed sync rounds, backing off
            #expect(try issuedAtVendor(channel) == 1)

            // The parent comes back on the same port; the agent reconnects and the vendor catches up.
            general = try NodeProcess(directory: channel.general.directory,
                                      extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"], port: port)
            try eventually("the vendor sees all six sales") { try issuedAtVendor(channel) == 6 }

            // SIGKILL the general agent while sales keep flowing and syncs run; after a restart nothing
            // is duplicated and the vendor holds exactly what the regional agent logged.
            for round in 0..<3 {
                for index in 0..<5 {
                    _ = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "round-\(round)-\(index)"))
                }
                Thread.sleep(forTimeInterval: Double(round) * 0.3 + 0.2)
                general.kill()
                general = try NodeProcess(directory: channel.general.directory,
                                          extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"], port: port)
            }
            try eventually("the vendor sees all 21 sales exactly once") { try issuedAtVendor(channel) == 21 }
            let licenses = try api.expect([ListedLicense].self, status: 200, .get, "/v1/licenses")
            #expect(licenses.count == 21)
            let findings = try channel.vendorAPI.expect([AuditFinding].self, status: 200, .post, "/v1/audit/runs")
            #expect(findings.isEmpty, "\(findings.map { "\($0.kind): \($0.summary)" })")
            regional.expectCleanExit()
            general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }

        @Test func everyPlantedCheatIsFoundWithEvidenceAndHonestNodesAreNot() throws {
            let channel = try ChannelFixture("cheats")
            channel.regional.expectCleanExit()
            channel.general.expectCleanExit()
            let general = try NodeProcess(directory: channel.general.directory, extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"])
            let generalAPI = try NodeAPIClient(general)

            // The cheating reseller runs the real node code in this process, syncing over HTTP, and
            // signs what an honest node would refuse. Its certificate starts 30 days back, so a
            // backdated sale is inside its window.
            let cheater = try InProcessAgent(name: "ra-crooked", anchor: channel.anchor, directory: channel.scratch.url.appendingPathComponent("crooked"))
            let now = Int64(Date().timeIntervalSince1970)
            // The vendor tops the general agent up with a certificate whose window began 60 days ago.
            let topUp = try channel.vendorAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
                "subject": "ga-europe", "subject_key": try ChannelFixture.subjectKey(channel.general.directory), "count": 5_000,
                "countries": ["DE", "AT", "CH"], "products": ["cad-pro": ["export"]], "models": ["perpetual"], "price_floor": ["EUR": 4_000],
                "nbf": now - 60 * 86_400, "sync_within": 14 * 86_400,
            ] as [String: Any])
            let held = try generalAPI.expect(Wire.Held.self, status: 201, .post, "/v1/certificates", json: ["chain": topUp.chain])
            let chain = try generalAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
                "subject": "ra-crooked", "subject_key": cheater.subjectKey, "count": 500, "countries": ["DE", "AT"], "from": held.hash,
                "products": ["cad-pro": ["export"]], "price_floor": ["EUR": 4_500], "nbf": now - 30 * 86_400, "sync_within": 7 * 86_400,
            ] as [String: Any])
            try cheater.node.accept(chain: chain.chain, at: now)
            try cheater.sync(parent: general.baseURL)
            // An honest sale by the honest regional agent, which must get no finding.
            let honest = try NodeProcess(directory: channel.regional.directory, extraArguments: ["--parent", general.baseURL, "--sync-interval", "1"])
            _ = try NodeAPIClient(honest).expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: ChannelFixture.sale(customer: "honest"))

            let sold = try cheater.node.issue(LicenseRequest(customer: "first", country: "DE", product: "cad-pro", model: "perpetual",
                                                             price: Price(currency: "EUR", amount: 5_000)), at: now)
            let soldSeats = try SignedLicense(compact: sold.license).payload.seats
            let forge = cheater.forger(at: now)
            try forge.license { $0.customer = "reused"; $0.seats = soldSeats }
            try forge.license { $0.customer = "abroad"; $0.country = "CH"; $0.territory = ["CH"]; $0.seats = SerialRange(10 + soldSeats.start, 11 + soldSeats.start) }
            try forge.license { $0.customer = "cheap"; $0.price = Price(currency: "EUR", amount: 100); $0.seats = SerialRange(20 + soldSeats.start, 21 + soldSeats.start) }
            try forge.activation(of: sold, country: "US")
            try forge.license(iat: now - 9 * 86_400) { $0.customer = "backdated"; $0.seats = SerialRange(30 + soldSeats.start, 31 + soldSeats.start) }
            let returned = SerialRange(soldSeats.start + 400, soldSeats.start + 410)
            _ = try cheater.node.returnQuota(returned, at: now)
            try forge.license { $0.customer = "returned"; $0.seats = SerialRange(returned.start, returned.start + 1) }
            let hidden = try forge.license(hidden: true) { $0.customer = "off the books"; $0.seats = SerialRange(40 + soldSeats.start, 41 + soldSeats.start) }
            _ = try cheater.node.issue(LicenseRequest(customer: "takes the hidden index", country: "DE", product: "cad-pro", model: "perpetual",
                                                      price: Price(currency: "EUR", amount: 5_000)), at: now)
            try cheater.sync(parent: general.baseURL)
            _ = try channel.vendorAPI.expect(ObservationAnswer.self, status: 201, .post, "/v1/audit/observations",
                                             body: Array(try JSONEncoder().encode(hidden)), contentType: "application/json")

            // Then it rewrites its history and pushes the fork.
            let forked = try cheater.fork(replacing: try SignedLicense(compact: sold.license).payload.logIndex)
            try? forked.sync(parent: general.baseURL)
            try? forked.sync(parent: general.baseURL)

            var findings: [AuditFinding] = []
            let expected: Set<String> = ["duplicate_serial", "country_escape", "below_price_floor", "cross_region_activation", "late_sync",
                                         "quota_used_after_return", "hidden_issuance"]
            try eventually("the vendor's audit finds every cheat") {
                findings = try channel.vendorAPI.expect([AuditFinding].self, status: 200, .post, "/v1/audit/runs")
                return expected.isSubset(of: Set(findings.map(\.kind.rawValue)))
            }
            #expect(expected.isSubset(of: Set(findings.map(\.kind.rawValue))), "found \(findings.map(\.kind.rawValue))")
            let atGeneral = try generalAPI.expect([AuditFinding].self, status: 200, .get, "/v1/audit/findings")
            #expect(atGeneral.contains { $0.kind == .logEquivocation && $0.node == cheater.keyID })
            let all = findings + atGeneral
            #expect(all.allSatisfy { $0.node == cheater.keyID }, "a finding names an honest node: \(all.filter { $0.node != cheater.keyID }.map { "\($0.kind) \($0.nodeName)" })")
            let check = FindingCheck(anchor: channel.anchor)
            for finding in all {
                #expect(throws: Never.self, "\(finding.kind) does not re-check from its evidence") { try check.check(finding) }
            }
            honest.expectCleanExit()
            general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }

        /// Issue 17, items 11 and 12: a reseller signs, with its own key, a license on fresh serials
        /// naming a log index beyond its log, then forks its log. The vendor observes the license
        /// after the general agent witnessed a later checkpoint; the vendor's audit shows hidden
        /// issuance, and the equivocation the general agent found, both naming the reseller, and
        /// `tollgate audit --check` accepts their evidence.
        @Test func freshForgeryAndAForkFoundBelowReachTheVendorsAudit() throws {
            let channel = try ChannelFixture("fresh-forgery")
            channel.regional.expectCleanExit()
            channel.general.expectCleanExit()
            let general = try NodeProcess(directory: channel.general.directory, extraArguments: ["--parent", channel.vendor.baseURL, "--sync-interval", "1"])
            let generalAPI = try NodeAPIClient(general)
            let cheater = try InProcessAgent(name: "ra-forger", anchor: channel.anchor, directory: channel.scratch.url.appendingPathComponent("forger"))
            let now = Int64(Date().timeIntervalSince1970)
            let topUp = try channel.vendorAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
                "subject": "ga-europe", "subject_key": try ChannelFixture.subjectKey(channel.general.directory), "count": 1_000,
                "countries": ["DE", "AT"], "products": ["cad-pro": ["export"]], "models": ["perpetual"], "price_floor": ["EUR": 4_000],
                "nbf": now - 2 * 86_400, "sync_within": 14 * 86_400,
            ] as [String: Any])
            let held = try generalAPI.expect(Wire.Held.self, status: 201, .post, "/v1/certificates", json: ["chain": topUp.chain])
            let chain = try generalAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
                "subject": "ra-forger", "subject_key": cheater.subjectKey, "count": 100, "countries": ["DE"], "from": held.hash,
                "products": ["cad-pro": ["export"]], "price_floor": ["EUR": 4_500], "nbf": now - 86_400, "sync_within": 7 * 86_400,
            ] as [String: Any])
            try cheater.node.accept(chain: chain.chain, at: now)
            let sold = try cheater.node.issue(LicenseRequest(customer: "on the books", country: "DE", product: "cad-pro", model: "perpetual",
                                                             price: Price(currency: "EUR", amount: 5_000)), at: now)
            try cheater.sync(parent: general.baseURL)

            // Signed an hour ago on serials nobody sold, naming an index far beyond the log; never logged.
            let seats = try SignedLicense(compact: sold.license).payload.seats
            let size = try cheater.node.store.log.size
            let forged = try cheater.forger(at: now - 3_600).license(hidden: true) {
                $0.customer = "off the books"; $0.seats = SerialRange(seats.start + 50, seats.start + 51); $0.logIndex = size + 100
            }
            // Business goes on; the general agent witnesses a checkpoint that does not reach that index.
            _ = try cheater.node.issue(LicenseRequest(customer: "later", country: "DE", product: "cad-pro", model: "perpetual",
                                                      price: Price(currency: "EUR", amount: 5_000)), at: now)
            try cheater.sync(parent: general.baseURL)
            let observation = Observation(license: forged)
            _ = try channel.vendorAPI.expect(ObservationAnswer.self, status: 201, .post, "/v1/audit/observations",
                                             body: Array(try JSONEncoder().encode(observation)), contentType: "application/json")

            // Then it rewrites its history and pushes the fork to the general agent.
            let forked = try cheater.fork(replacing: try SignedLicense(compact: sold.license).payload.logIndex)
            try? forked.sync(parent: general.baseURL)
            try? forked.sync(parent: general.baseURL)

            var findings: [AuditFinding] = []
            try eventually("the vendor's audit shows the hidden license and the fork") {
                findings = try channel.vendorAPI.expect([AuditFinding].self, status: 200, .post, "/v1/audit/runs")
                return Set(findings.map(\.kind)).isSuperset(of: [.hiddenIssuance, .logEquivocation])
            }
            #expect(Set(findings.map(\.kind)) == [.hiddenIssuance, .logEquivocation], "found \(findings.map { "\($0.kind): \($0.summary)" })")
            #expect(findings.allSatisfy { $0.node == cheater.keyID }, "a finding names an honest node: \(findings.map { "\($0.kind) \($0.nodeName)" })")
            let hidden = try #require(findings.first { $0.kind == .hiddenIssuance })
            let generalKeyID = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(ChannelFixture.subjectKey(channel.general.directory))).thumbprint
            #expect(hidden.evidence.contains { $0.role == .witness && $0.node == generalKeyID })

            // A third party re-checks the vendor's findings with nothing but the trust anchor.
            let file = channel.scratch.url.appendingPathComponent("findings.json")
            try JSONEncoder().encode(findings).write(to: file)
            let output = try TollgateCLI.run(["audit", "--check", file.path, "--anchor", channel.vendor.directory.appendingPathComponent("anchor.pub").path])
            #expect(output.contains("\(findings.count) passed, 0 failed"), "\(output)")
            general.expectCleanExit()
            channel.vendor.expectCleanExit()
        }
    }
}

/// A license as `GET /v1/licenses` lists it.
struct ListedLicense: Decodable {
    var hash: String
    var customer: String
}

/// The answer to `POST /v1/audit/observations`.
struct ObservationAnswer: Decodable {
    var recorded: Bool
}

/// A reseller's node run inside the test: the real node code on a SQLite file, synced with its
/// parent over HTTP by the real sync agent.
final class InProcessAgent {
    let node: LicensingNode
    let key: Ed25519PrivateKey

    init(name: String, anchor: TrustAnchor, directory: URL, key: Ed25519PrivateKey? = nil, store: NodeStore? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.key = try key ?? Ed25519PrivateKey()
        let store = try store ?? NodeStore(database: SQLiteDatabase(path: directory.appendingPathComponent("node.sqlite").path))
        node = LicensingNode(identity: NodeIdentity(name: name, key: self.key, anchor: anchor), store: store)
    }

    var keyID: String { key.publicKey.thumbprint }
    var subjectKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }

    /// One sync round with the parent through the production sync agent.
    func sync(parent: String) throws {
        let executor = NodeExecutor(node: node)
        defer { executor.stop() }
        let agent = SyncAgent(executor: executor, parentURL: parent, clock: { Int64(Date().timeIntervalSince1970) })
        try agent.runOnce(client: HTTPClient())
    }

    func forger(at now: Int64) -> Forger { Forger(node: node, now: now) }

    /// The same key with a rewritten history: entry `index` replaced.
    func fork(replacing index: UInt64) throws -> InProcessAgent {
        let store = try NodeStore(database: SQLiteDatabase(path: ":memory:"))
        for entry in try node.store.log.entries(in: 0..<node.store.log.size) {
            _ = try store.log.append(kind: entry.kind, bytes: entry.index == index ? Array("nothing was sold".utf8) : entry.bytes, at: entry.appendedAt)
        }
        return try InProcessAgent(name: node.identity.name, anchor: node.identity.anchor, directory: FileManager.default.temporaryDirectory,
                                  key: key, store: store)
    }

    /// Signs and logs what an honest node would refuse.
    struct Forger {
        let node: LicensingNode
        let now: Int64

        @discardableResult
        func license(iat: Int64? = nil, hidden: Bool = false, _ mutate: (inout License) -> Void) throws -> LicenseFile {
            let held = try node.heldCertificates()[0]
            let date = iat ?? now
            var license = License(iss: node.identity.keyID, cert: held.hash, seats: SerialRange(held.payload.seats.start, held.payload.seats.start + 1),
                                  customer: "forged", country: "DE", territory: ["DE"], product: "cad-pro", features: ["export"], model: "perpetual",
                                  price: Price(currency: "EUR", amount: 5_000), iat: date, nbf: date, exp: nil,
                                  logIndex: try node.store.log.size, jti: UUID().uuidString)
            mutate(&license)
            let signed = try SignedLicense.sign(license, with: node.identity.key)
            if !hidden { _ = try node.store.log.append(kind: "license-issued", bytes: Array(signed.compact.utf8), at: now) }
            return LicenseFile(chain: held.chain, license: signed.compact)
        }

        func activation(of file: LicenseFile, country: String) throws {
            let license = try SignedLicense(compact: file.license)
            let machine = try Ed25519PrivateKey()
            let activation = Activation(iss: node.identity.keyID, license: license.hash, serial: license.payload.seats.start,
                                        machineKey: Base64URL.encode(machine.publicKey.rawRepresentation), fingerprint: "traveller",
                                        platform: "linux-x86_64", country: country, iat: now, exp: nil, kind: .standard, jti: UUID().uuidString)
            _ = try node.store.log.append(kind: "activation", bytes: Array(try SignedActivation.sign(activation, with: node.identity.key).compact.utf8), at: now)
        }
    }
}
