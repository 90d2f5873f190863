import Foundation
import Synchronization
import Testing
import TollgateCertificates
import TollgateHTTP

extension EndToEnd {
    /// Nothing acknowledged is lost across crashes: a node is SIGKILLed at seeded random points while
    /// clients issue licenses, restarted each time, and afterwards every license whose 201 reached a
    /// client is listed, and no two licenses share a serial.
    @Suite struct CrashDurabilityTests {
        /// Set `TOLLGATE_CRASH_SEED` to replay a failing run.
        static let seed: UInt64 = ProcessInfo.processInfo.environment["TOLLGATE_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_261_123
        static let killPoints = 20
        static let clientThreads = 3

        /// A license whose 201 response reached a client.
        struct Acknowledged: Sendable {
            var hash: String
            var seats: SerialRange
            var compact: String
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
            /// Answers that are neither a 201 nor the connection dying with the node.
            var unexpected: [String] = []
        }

        @Test func acknowledgedIssuanceSurvivesSIGKILL() throws {
            let agent = try AgentFixture("crash")
            let token = try agent.node.token
            var random = SplitMix64(seed: Self.seed)
            var acknowledged: [Acknowledged] = []
            var unexpected: [String] = []
            for round in 0..<Self.killPoints {
                if round > 0 { try agent.node.start() }
                let url = agent.node.baseURL + "/v1/licenses"
                let stop = StopFlag()
                let clients = (0..<Self.clientThreads).map { _ in Background { Self.issueUntilGone(url: url, token: token, stop: stop) } }
                Thread.sleep(forTimeInterval: Double(5 + random.next() % 200) / 1_000)
                agent.node.kill()
                stop.raise()
                for client in clients {
                    let run = try #require(client.wait(), "a client thread hung after the kill (seed \(Self.seed), round \(round))")
                    acknowledged += run.acknowledged
                    unexpected += run.unexpected
                }
            }
            let unexpectedCount = unexpected.count
            #expect(unexpectedCount == 0, "seed \(Self.seed): \(unexpected.prefix(5))")
            #expect(acknowledged.count >= Self.killPoints, "too few acknowledged issuances to test anything (seed \(Self.seed))")

            try agent.node.start()
            let api = try agent.client()
            let listed = try api.expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            let byHash = Dictionary(listed.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byHash.count == listed.count, "a license is listed twice (seed \(Self.seed))")
            let lost = acknowledged.filter { byHash[$0.hash]?.license != $0.compact }.map(\.hash)
            let lostCount = lost.count
            #expect(lostCount == 0, "seed \(Self.seed): \(lostCount) of \(acknowledged.count) acknowledged licenses are gone after restart, e.g. \(lost.prefix(3))")

            // No serial in two licenses, acknowledged or not.
            let ranges = (listed.map(\.seats) + acknowledged.map(\.seats)).sorted()
            var overlaps: [String] = []
            var seen = Set<SerialRange>()
            var previous: SerialRange?
            for range in ranges where seen.insert(range).inserted {
                if let previous, previous.overlaps(range) { overlaps.append("\(previous) and \(range)") }
                previous = range
            }
            let licenseCount = Set(listed.map(\.hash) + acknowledged.map(\.hash)).count, rangeCount = seen.count
            #expect(rangeCount == licenseCount, "seed \(Self.seed): \(licenseCount) licenses but \(rangeCount) distinct serial ranges")
            let overlapCount = overlaps.count
            #expect(overlapCount == 0, "seed \(Self.seed): overlapping serials \(overlaps.prefix(5))")

            // Everything listed still verifies with the vendor's key alone, and the node still sells.
            let held = try api.expect(Wire.Certificates.self, status: 200, .get, "/v1/certificates").held
            let chain = try #require(held.first?.chain)
            let verifier = LicenseVerifier(anchor: agent.anchor, cache: VerifiedCertificateCache())
            for row in listed {
                #expect(throws: Never.self) { try verifier.verify(LicenseFile(chain: chain, license: row.license), at: Clock.now) }
            }
            #expect(try api.send(.post, "/v1/licenses", json: AgentFixture.sale).status.code == 201)
            agent.node.expectCleanExit()
        }

        /// Issues licenses one after another over one keep-alive connection until the node is gone.
        static func issueUntilGone(url: String, token: String, stop: StopFlag) -> ClientRun {
            var run = ClientRun()
            let client: HTTPClient
            do {
                client = try HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(2), timeout: .seconds(10)))
            } catch {
                run.unexpected.append("no client: \(error)")
                return run
            }
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(token)")
            headers.add(name: "Content-Type", value: "application/json")
            let body = Array((try? JSONSerialization.data(withJSONObject: AgentFixture.sale)) ?? Data())
            while !stop.isRaised {
                let response: HTTPResponse
                do {
                    response = try client.send(HTTPClientRequest(method: .post, url: url, headers: headers, body: body))
                } catch {
                    // The node died under the request or before it: nothing was acknowledged.
                    return run
                }
                guard response.status.code == 201,
                      let file = try? response.decodeJSON(LicenseFile.self),
                      let license = try? SignedLicense(compact: file.license) else {
                    run.unexpected.append("\(response.status.code): \(response.bodyText)")
                    return run
                }
                run.acknowledged.append(Acknowledged(hash: license.hash, seats: license.payload.seats, compact: license.compact))
            }
            return run
        }
    }
}
