import Foundation
import Testing
import TollgateCertificates
import TollgateTestSupport

extension EndToEnd {
    /// SIGTERM drains: a request under way when the signal arrives still completes (and is durable),
    /// new connections are refused, and the process exits 0.
    @Suite struct GracefulDrainTests {
        @Test func requestInFlightDuringSIGTERMCompletes() throws {
            let agent = try AgentFixture("drain")
            let port = agent.node.port
            let body = Array(try JSONSerialization.data(withJSONObject: AgentFixture.sale, options: [.sortedKeys]))

            // The head with `Expect: 100-continue`: the interim answer shows the node has accepted the
            // connection and read the head, so the request is under way when the signal comes (a
            // connection still in the listen backlog when the node stops accepting is not).
            let inFlight = try RawConnection(port: port)
            inFlight.send("POST /v1/licenses HTTP/1.1\r\nHost: node\r\nAuthorization: Bearer \(try agent.node.token)\r\n"
                          + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nExpect: 100-continue\r\n\r\n")
            #expect(inFlight.readResponse(timeout: .seconds(10))?.status == 100)

            // Signal until the node has stopped accepting (a signal before the handler is armed is ignored).
            var draining = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !draining && ContinuousClock.now < deadline {
                agent.node.signalTerminate()
                Thread.sleep(forTimeInterval: 0.1)
                draining = (try? RawConnection(port: port)) == nil
            }
            #expect(draining, "the node still accepts connections after SIGTERM")
            #expect(agent.node.isRunning, "the node exited with a request under way")

            inFlight.send(body)
            let response = try #require(inFlight.readResponse(timeout: .seconds(10)))
            #expect(response.status == 201, "\(response.bodyText)")
            #expect(response.headers["Connection"]?.lowercased() == "close")
            let file = try JSONDecoder().decode(LicenseFile.self, from: Data(response.body))
            let license = try SignedLicense(compact: file.license)

            #expect(agent.node.waitForExit(timeout: .seconds(15)) == 0, "\(agent.node.log)")
            #expect(agent.node.log.contains("stopped"))

            // What was answered during the drain is on disk.
            try agent.node.start()
            let listed = try agent.client().expect([Wire.LicenseRow].self, status: 200, .get, "/v1/licenses")
            #expect(listed.map(\.hash) == [license.hash])
            agent.node.expectCleanExit()
        }
    }
}
