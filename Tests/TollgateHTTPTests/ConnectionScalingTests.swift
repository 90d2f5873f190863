import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

/// The event loop under many idle connections, per-peer caps, pressure, the body budget and the head check.
@Suite struct ConnectionScalingTests {
    /// Opens `count` connections that send nothing, spread over loopback source addresses 127.0.0.2… so
    /// that no address holds more than `perAddress`.
    static func openIdle(_ count: Int, port: Int, perAddress: Int = 200) throws -> [RawConnection] {
        try (0..<count).map { index in try RawConnection(port: port, source: "127.0.0.\(2 + index / perAddress)") }
    }

    @Test func manyIdleConnectionsLeaveTheServerAnswering() throws {
        let server = try makeServer { $0.headTimeout = .seconds(60) }
        defer { server.shutdown() }
        let idle = try Self.openIdle(2_000, port: server.port)
        // Some of them idle between requests (keep-alive) rather than before their first.
        for connection in idle.prefix(50) {
            connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.bodyText == "hello")
        }
        #expect(eventually { server.metrics.openConnections == 2_000 })
        for _ in 0..<5 {
            let probe = try RawConnection(port: server.port)
            probe.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(probe.readResponse()?.bodyText == "hello")
        }
        #expect(server.metrics.totalRejections == 0)
        #expect(server.metrics.idleConnectionsClosed == 0)
        withExtendedLifetime(idle) {}
    }

    @Test func perPeerCapRefusesOneAddressButNotOthers() throws {
        let server = try makeServer { $0.maxConnectionsPerPeer = 3 }
        defer { server.shutdown() }
        let held = try (0..<3).map { _ in try RawConnection(port: server.port) }
        for connection in held {
            connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
        }
        let fourth = try RawConnection(port: server.port)
        fourth.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        let refused = try #require(fourth.readResponse())
        #expect(refused.status == 503)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(refused.problem?.type == "https://tollgate.dev/problems/peer-connection-limit")
        #expect(fourth.closesSilently(within: .seconds(2)))

        let elsewhere = try RawConnection(port: server.port, source: "127.0.0.2")
        elsewhere.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(elsewhere.readResponse()?.bodyText == "hello")
        #expect(server.metrics.rejections[.peerConnectionLimit] == 1)

        // A slot freed on the capped address can be taken again.
        held[0].send("GET /close HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(held[0].readResponse()?.bodyText == "bye")
        #expect(held[0].closesSilently(within: .seconds(2)))
        #expect(eventually { server.metrics.openConnections == 3 })
        let again = try RawConnection(port: server.port)
        again.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(again.readResponse()?.status == 200)
    }

    @Test func idleConnectionsCloseSoonerAndOldestFirstWhenCrowded() throws {
        let server = try makeServer { configuration in
            configuration.headTimeout = .seconds(60)
            configuration.idleTimeout = .seconds(60)
            configuration.crowdedConnections = 10
            configuration.crowdedIdleTimeout = .milliseconds(200)
        }
        defer { server.shutdown() }
        var connections: [RawConnection] = []
        for index in 0..<20 {
            let connection = try RawConnection(port: server.port)
            if index == 0 {
                // The oldest is a keep-alive connection idling after a request.
                connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
                #expect(connection.readResponse()?.status == 200)
            }
            connections.append(connection)
            Thread.sleep(forTimeInterval: 0.03)
        }
        #expect(eventually(timeout: .seconds(3)) { server.metrics.openConnections == 10 })
        #expect(server.metrics.crowdedConnectionsClosed == 10)
        // The ten oldest went; the ten newest are still open and served.
        for connection in connections.prefix(10) {
            #expect(connection.closesSilently(within: .milliseconds(500)))
        }
        for connection in connections.suffix(10) {
            #expect(connection.isStillOpen(after: .milliseconds(1)))
        }
        let last = try #require(connections.last)
        last.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(last.readResponse()?.bodyText == "hello")
    }

    @Test func bodiesBeyondTheBudgetWaitThenGet503() throws {
        let server = try makeServer { configuration in
            configuration.maxBodySize = 1000
            configuration.maxBodyBytesInFlight = 1000
            configuration.bodyBudgetWait = .milliseconds(300)
        }
        defer { server.shutdown() }
        // A holds the whole budget while its body trickles in.
        let holder = try RawConnection(port: server.port)
        holder.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "a", count: 10))
        #expect(eventually { server.metrics.bodyBytesInFlight == 1000 })
        // B does not fit: it waits unread, then is refused.
        let refused = try RawConnection(port: server.port)
        let started = ContinuousClock.now
        refused.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 600\r\n\r\n" + String(repeating: "b", count: 600))
        let answer = try #require(refused.readResponse())
        #expect(answer.status == 503)
        #expect(answer.headers["Retry-After"] == "1")
        #expect(answer.problem?.type == "https://tollgate.dev/problems/server-busy")
        #expect(ContinuousClock.now - started >= .milliseconds(250))
        // C waits too, and is served as soon as A's body is done.
        let waiter = try RawConnection(port: server.port)
        waiter.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 600\r\n\r\n" + String(repeating: "c", count: 600))
        Thread.sleep(forTimeInterval: 0.1)
        holder.send(String(repeating: "a", count: 990))
        #expect(holder.readResponse()?.bodyText == String(repeating: "a", count: 1000))
        #expect(waiter.readResponse()?.bodyText == String(repeating: "c", count: 600))
        #expect(server.metrics.peakBodyBytesInFlight == 1000)
        #expect(server.metrics.rejections[.bodyBudget] == 1)
        #expect(eventually { server.metrics.bodyBytesInFlight == 0 })
    }

    @Test func budgetSmallerThanTheBodyCapIsRefused() {
        #expect {
            _ = try makeServer { configuration in
                configuration.maxBodySize = 2000
                configuration.maxBodyBytesInFlight = 1000
            }
        } throws: { error in
            (error as? HTTPServerError)?.code == .invalidConfiguration
        }
    }

    @Test func headCheckAnswersBeforeTheBodyIsSent() throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.maxBodySize = 16 << 20
        configuration.maxBodyBytesInFlight = 16 << 20
        let server = try HTTPServer(configuration: configuration, headCheck: { head in
            head.headers["X-Key"] == "ok" ? nil : .problem(status: .unauthorized, detail: "no key for \(head.path), \(head.contentLength) bytes")
        }, handler: TestRoutes.handler)
        defer { server.shutdown() }
        let body = [UInt8](repeating: 0x61, count: 16 << 20)

        // Without the key: the answer comes for the head alone, then the connection is closed.
        let stranger = try RawConnection(port: server.port)
        stranger.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.count)\r\n\r\n")
        let refused = try #require(stranger.readResponse())
        #expect(refused.status == 401)
        #expect(refused.headers["Connection"] == "close")
        #expect(refused.problem?.detail == "no key for /echo, 16777216 bytes")
        #expect(stranger.send(body) == false)

        // With Expect: 100-continue the client learns the same without sending anything more.
        let polite = try RawConnection(port: server.port)
        polite.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
        #expect(polite.readResponse()?.status == 401)

        // With the key the body is read and handled.
        let member = try RawConnection(port: server.port)
        member.send("POST /echo HTTP/1.1\r\nHost: test\r\nX-Key: ok\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(member.readResponse()?.status == 100)
        member.send("hello")
        #expect(member.readResponse()?.bodyText == "hello")

        let metrics = server.metrics
        #expect(metrics.headCheckRefusals == 2)
        #expect(metrics.peakBodyBytesInFlight == 5)
    }
}
