import Foundation
import Synchronization
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// Nothing acknowledged is lost across crashes: a node is SIGKILLed at seeded random points while
    /// clients issue licenses, activate machines and top up a sub-agent's quota, and is restarted each
    /// time. Afterwards every object whose 201 reached a client is served and in the log, no serial
    /// is handed out twice, the log's root recomputed from its entries matches the checkpoint the node
    /// signs, and `PRAGMA integrity_check` answers ok.
    ///
    /// `TOLLGATE_KILLS=N` runs N kills (the long run); `TOLLGATE_CRASH_SEED` replays a run.
    @Suite struct CrashDurabilityTests {
        static let seed: UInt64 = ProcessInfo.processInfo.environment["TOLLGATE_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_261_123
        static let killPoints = ProcessInfo.processInfo.environment["TOLLGATE_KILLS"].flatMap { Int($0) } ?? 50
        static let clientThreads = 3

        /// An object whose 201 response reached a client.
        struct Acknowledged: Sendable {
            enum Kind: String, Sendable { case license, activation, delegation }
            var kind: Kind
            var hash: String
            /// The serials it takes: a license's or delegation's range, an activation's one serial.
            var seats: SerialRange
            var compact: String
            /// The license an activation binds.
            var license: String?
        }

        /// Tells the client threads the node was killed on purpose.
        final class StopFlag: Sendable {
            private let raised = Atomic<Bool>(false)
            var isRaised: Bool { raised.load(ordering: .acquiring) }
            func raise() { raised.store(true, ordering: .releasing) }
        }

        /// What a client thread saw before the node went away.
        struct ClientRun: Sendable {
            var acknowledged: [Acknowledged] = []
            /// Activations refused because every seat was taken (by an activation whose answer a kill cut off).
            var seatsInUse = 0
            /// Answers that are neither a 201, an expected refusal, nor the connection dying with the node.
            var unexpected: [String] = []
        }

        /// The sub-agent the clients top up: the node delegates a few more serials to it again and again.
        struct SubAgent: Sendable {
            var subject = "sub-agent"
            var key: String
        }

        @Test func acknowledgedWorkSurvivesSIGKILL() throws {
            print("CrashDurabilityTests: seed \(Self.seed), \(Self.killPoints) kills (TOLLGATE_CRASH_SEED / TOLLGATE_KILLS to change)")
            let started = ContinuousClock.now
            let agent = try AgentFixture("crash")
            let token = try agent.node.token
            let subAgent = SubAgent(key: Base64URL.encode(try Ed25519PrivateKey().publicKey.rawRepresentation))
            var random = SplitMix64(seed: Self.seed)
            var acknowledged: [Acknowledged] = []
            var seatsInUse = 0
            var unexpected: [String] = []
            for round in 0..<Self.killPoints {
                if round > 0 { try agent.node.start() }
                let baseURL = agent.node.baseURL
                let stop = StopFlag()
                // Licenses from earlier rounds, shared out so that no two threads activate the same one.
                let earlier = acknowledged.filter { $0.kind == .license }
                let clients = (0..<Self.clientThreads).map { thread in
                    let pool = earlier.enumerated().filter { $0.offset % Self.clientThreads == thread }.map(\.element).suffix(20)
                    let seed = random.next()
                    return Background {
                        Self.workUntilGone(baseURL: baseURL, token: token, stop: stop, seed: seed, licenses: Array(pool), subAgent: subAgent)
                    }
                }
                Thread.sleep(forTimeInterval: Double(5 + random.next() % 200) / 1_000)
                agent.node.kill()
                stop.raise()
                for client in clients {
                    let run = try #require(client.wait(), "a client thread hung after the kill (seed \(Self.seed), round \(round))")
                    acknowledged += run.acknowledged
                    seatsInUse += run.seatsInUse
                    unexpected += run.unexpected
                }
            }
            let unexpectedCount = unexpected.count
            #expect(unexpectedCount == 0, "seed \(Self.seed): \(unexpected.prefix(5))")
            let counts = Dictionary(grouping: acknowledged, by: \.kind).mapValues(\.count)
            for kind in [Acknowledged.Kind.license, .activation, .delegation] {
                #expect(counts[kind, default: 0] >= Self.killPoints / 10, "too few acknowledged \(kind.rawValue)s to test anything (seed \(Self.seed))")
            }

            try agent.node.start()
            // A long run's listings outgrow the client's default 16 MiB.
            let api = try NodeAPIClient(baseURL: agent.node.baseURL, token: token, timeout: .seconds(120), maxResponseBody: 1 << 30)
            let licenses = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            let activations = try api.expect([Wire.ActivationRow].self, status: 200, .get, "/v1/activations")
            let certificates = try api.expect(Wire.Certificates.self, status: 200, .get, "/v1/certificates")
            var served: [String: String] = [:]
            for (hash, compact) in licenses.map({ ($0.hash, $0.license) }) + activations.map({ ($0.hash, $0.activation) })
                + certificates.delegated.map({ ($0.hash, $0.certificate) }) {
                #expect(served.updateValue(compact, forKey: hash) == nil, "\(hash) is served twice (seed \(Self.seed))")
            }
            let lost = acknowledged.filter { served[$0.hash] != $0.compact }.map { "\($0.kind.rawValue) \($0.hash.prefix(12))" }
            let lostCount = lost.count
            #expect(lostCount == 0, "seed \(Self.seed): \(lostCount) of \(acknowledged.count) acknowledged objects are gone after restart, e.g. \(lost.prefix(3))")

            // No serial handed out twice: licenses and delegations share the certificate's range.
            var ranges: [String: SerialRange] = [:]
            for row in licenses { ranges[row.hash] = row.seats }
            for row in certificates.delegated { ranges[row.hash] = row.seats }
            for object in acknowledged where object.kind != .activation { ranges[object.hash] = object.seats }
            let sorted = ranges.sorted { ($0.value.start, $0.key) < ($1.value.start, $1.key) }
            let overlaps = zip(sorted, sorted.dropFirst()).filter { $0.0.value.overlaps($0.1.value) }
                .map { "\($0.0.key.prefix(12)) \($0.0.value) and \($0.1.key.prefix(12)) \($0.1.value)" }
            let overlapCount = overlaps.count
            #expect(overlapCount == 0, "seed \(Self.seed): serials handed out twice: \(overlaps.prefix(5))")
            // No seat activated twice (nothing is deactivated here), and each activation inside its license.
            let licenseSeats = Dictionary(licenses.map { ($0.hash, $0.seats) }, uniquingKeysWith: { first, _ in first })
            let doubled = Dictionary(grouping: activations, by: \.serial).filter { $0.value.count > 1 }.keys.sorted()
            #expect(doubled.isEmpty, "seed \(Self.seed): serials activated twice: \(doubled.prefix(5))")
            let outside = activations.filter { licenseSeats[$0.license]?.contains($0.serial) != true }.map(\.hash)
            #expect(outside.isEmpty, "seed \(Self.seed): activations outside their license: \(outside.prefix(3))")

            // Everything listed still verifies with the vendor's key alone, and the node still sells.
            let chain = try #require(certificates.held.first?.chain)
            let verifier = LicenseVerifier(anchor: agent.anchor, cache: VerifiedCertificateCache())
            for row in licenses {
                #expect(throws: Never.self) { try verifier.verify(LicenseFile(chain: chain, license: row.license), at: Clock.now) }
            }
            #expect(try api.send(.post, "/v1/licenses", json: AgentFixture.sale).status.code == 201)
            let checkpoint = try api.get("/v1/log/checkpoint")
            #expect(checkpoint.status.code == 200)
            agent.node.expectCleanExit()

            // The log: its root recomputed from the entries matches the signed checkpoint, and it holds every acknowledged object.
            let store = try agent.node.checkStore(against: checkpoint.bodyText)
            #expect(store.integrity == "ok", "seed \(Self.seed): integrity_check: \(store.integrity)")
            #expect(store.problems.isEmpty, "seed \(Self.seed): \(store.problems.prefix(5))")
            let logged = Set(store.entries.map { String(decoding: $0.bytes, as: UTF8.self) })
            let unlogged = acknowledged.filter { !logged.contains($0.compact) }.map { "\($0.kind.rawValue) \($0.hash.prefix(12))" }
            #expect(unlogged.isEmpty, "seed \(Self.seed): acknowledged but not in the log: \(unlogged.prefix(3))")
            print("CrashDurabilityTests: seed \(Self.seed): \(Self.killPoints) kills, \(acknowledged.count) acknowledged "
                  + "(\(counts[.license, default: 0]) licenses, \(counts[.activation, default: 0]) activations, "
                  + "\(counts[.delegation, default: 0]) top-ups), \(seatsInUse) activations refused as seats in use, "
                  + "\(store.entries.count) log entries, \(lostCount) lost, in \(ContinuousClock.now - started)")
        }

        /// Issues, activates and tops up over one keep-alive connection, in a seeded mix, until the node is gone.
        static func workUntilGone(baseURL: String, token: String, stop: StopFlag, seed: UInt64, licenses pool: [Acknowledged],
                                  subAgent: SubAgent) -> ClientRun {
            var run = ClientRun()
            let client: HTTPClient
            do {
                client = try HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(2), timeout: .seconds(10)))
            } catch {
                run.unexpected.append("no client: \(error)")
                return run
            }
            func send(_ path: String, _ body: [UInt8], contentType: String, operator: Bool = true) throws -> HTTPResponse {
                var headers = HTTPHeaders()
                if `operator` { headers.add(name: "Authorization", value: "Bearer \(token)") }
                headers.add(name: "Content-Type", value: contentType)
                return try client.send(HTTPClientRequest(method: .post, url: baseURL + path, headers: headers, body: body))
            }
            func json(_ object: [String: Any]) -> [UInt8] { Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()) }
            var sale = AgentFixture.sale
            sale["seats"] = 2
            let saleBody = json(sale)
            let topUpBody = json(["subject": subAgent.subject, "subject_key": subAgent.key, "count": 3])
            var random = SplitMix64(seed: seed)
            var licenses = pool
            while !stop.isRaised {
                let roll = random.next() % 10
                do {
                    if roll < 3, !licenses.isEmpty {
                        let license = licenses[Int(random.next() % UInt64(licenses.count))]
                        let machine = try TestMachine()
                        let response = try send("/v1/activations", try machine.body(.activate, license: license.hash),
                                                contentType: "application/jose", operator: false)
                        if response.status.code == 409, response.problemDetails?.type == ProblemType.named("seats-in-use") {
                            run.seatsInUse += 1
                            licenses.removeAll { $0.hash == license.hash }
                            continue
                        }
                        guard response.status.code == 201, let receipt = try? response.decodeJSON(Wire.Receipt.self),
                              let activation = try? SignedActivation(compact: receipt.activation) else {
                            run.unexpected.append("activation \(response.status.code): \(response.bodyText)")
                            return run
                        }
                        run.acknowledged.append(Acknowledged(kind: .activation, hash: activation.hash,
                                                             seats: SerialRange(activation.payload.serial, activation.payload.serial + 1),
                                                             compact: activation.compact, license: activation.payload.license))
                    } else if roll == 9 {
                        let response = try send("/v1/delegations", topUpBody, contentType: "application/json")
                        guard response.status.code == 201, let chain = try? response.decodeJSON(Wire.Chain.self),
                              let last = chain.chain.last, let certificate = try? SignedCertificate(compact: last) else {
                            run.unexpected.append("top-up \(response.status.code): \(response.bodyText)")
                            return run
                        }
                        run.acknowledged.append(Acknowledged(kind: .delegation, hash: certificate.hash, seats: certificate.payload.seats,
                                                             compact: certificate.compact))
                    } else {
                        let response = try send("/v1/licenses", saleBody, contentType: "application/json")
                        guard response.status.code == 201, let file = try? response.decodeJSON(LicenseFile.self),
                              let license = try? SignedLicense(compact: file.license) else {
                            run.unexpected.append("sale \(response.status.code): \(response.bodyText)")
                            return run
                        }
                        let acknowledged = Acknowledged(kind: .license, hash: license.hash, seats: license.payload.seats, compact: license.compact)
                        run.acknowledged.append(acknowledged)
                        licenses.append(acknowledged)
                    }
                } catch {
                    // The node died under the request or before it: nothing was acknowledged.
                    return run
                }
            }
            return run
        }
    }
}
