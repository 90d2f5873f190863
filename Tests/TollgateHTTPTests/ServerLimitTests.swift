import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

/// The server driven byte by byte over raw sockets.
@Suite struct ServerLimitTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        for index in 0..<3 {
            connection.send("GET /echo?i=\(index) HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.headers["X-Query"] == "i=\(index)")
            #expect(response.headers["Connection"] == nil)
            #expect(response.headers["Date"] != nil)
        }
        // Two pipelined requests in one write, the second with a body.
        connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\nPOST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 4\r\n\r\nping")
        #expect(connection.readResponse()?.bodyText == "hello")
        #expect(connection.readResponse()?.bodyText == "ping")
        // HEAD gets the length but no body.
        connection.send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        let head = try #require(connection.readResponse(isHead: true))
        #expect(head.headers["Content-Length"] == "5")
        #expect(head.body.isEmpty)
        // Connection: close is honoured and echoed.
        connection.send("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        #expect(connection.readResponse()?.headers["Connection"] == "close")
        #expect(connection.closesSilently(within: .seconds(2)))
        let metrics = server.metrics
        #expect(metrics.connectionsAccepted == 1)
        #expect(metrics.requestsServed == 7)
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        let persistent = try RawConnection(port: server.port)
        persistent.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(persistent.readResponse()?.headers["Connection"] == "keep-alive")
        persistent.send("GET /hello HTTP/1.0\r\n\r\n")
        #expect(persistent.readResponse()?.headers["Connection"] == "close")
        #expect(persistent.closesSilently(within: .seconds(2)))
    }

    /// Sends `request` on a fresh connection and expects a problem response with `reason` and a close;
    /// then checks that the server still answers a good request.
    private func expectRejection(_ request: String, _ reason: HTTPRejection.Reason, server: HTTPServer,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let connection = try RawConnection(port: server.port)
        connection.send(request)
        let response = try #require(connection.readResponse(), sourceLocation: sourceLocation)
        #expect(response.status == reason.status.code, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.headers["Connection"] == "close", sourceLocation: sourceLocation)
        #expect(response.problem?.type == "https://tollgate.dev/problems/\(reason.rawValue)", sourceLocation: sourceLocation)
        #expect(response.problem?.status == reason.status.code, sourceLocation: sourceLocation)
        #expect(connection.closesSilently(within: .seconds(2)), sourceLocation: sourceLocation)

        let good = try RawConnection(port: server.port)
        good.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(good.readResponse()?.bodyText == "hello", sourceLocation: sourceLocation)
    }

    @Test func refusesBadRequestsAndKeepsServing() throws {
        let server = try makeServer { $0.maxHeadSize = 4096 }
        defer { server.shutdown() }
        try expectRejection("\u{01}\u{02} garbage\r\n\r\n", .malformedRequest, server: server)
        try expectRejection("GET / HTTP/1.1\nHost: test\n\n", .malformedRequest, server: server)
        try expectRejection("GET /hello HTTP/1.1\r\n\r\n", .missingHost, server: server)
        try expectRejection("GET /x HTTP/1.1\r\nHost: test\r\nX-Big: \(String(repeating: "a", count: 5000))\r\n\r\n",
                            .headTooLarge, server: server)
        // No terminator at all: refused as soon as the cap is crossed, without waiting for the deadline.
        try expectRejection("GET /x HTTP/1.1\r\nHost: test\r\nX-Big: \(String(repeating: "a", count: 5000))",
                            .headTooLarge, server: server)
        try expectRejection("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello",
                            .conflictingFraming, server: server)
        try expectRejection("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                            .lengthRequired, server: server)
        try expectRejection("GET / HTTP/2.0\r\nHost: test\r\n\r\n", .versionNotSupported, server: server)
        #expect(eventually { server.metrics.requestsServed == 8 })
        let metrics = server.metrics
        #expect(metrics.rejections[.malformedRequest] == 2)
        #expect(metrics.rejections[.headTooLarge] == 2)
        #expect(metrics.rejections[.conflictingFraming] == 1)
        #expect(metrics.totalRejections == 8)
    }

    @Test func oversizedBodyIsRefusedFromContentLengthAlone() throws {
        let server = try makeServer { $0.maxBodySize = 1000 }
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        // Only the head is sent: the answer must come without the server waiting for the body.
        let started = ContinuousClock.now
        connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10000000\r\n\r\n")
        let response = try #require(connection.readResponse())
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(response.status == 413)
        #expect(response.problem?.type == "https://tollgate.dev/problems/body-too-large")
        // A body exactly at the cap is fine.
        let atCap = try RawConnection(port: server.port)
        atCap.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "b", count: 1000))
        #expect(atCap.readResponse()?.body.count == 1000)
    }

    @Test func expectContinueGetsAnInterimResponseOrAnEarly413() throws {
        let server = try makeServer { $0.maxBodySize = 1000 }
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(connection.readResponse()?.status == 100)
        connection.send("hello")
        #expect(connection.readResponse()?.bodyText == "hello")
        connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
        #expect(connection.readResponse()?.status == 413)
    }

    @Test func headTricklingPastTheDeadlineGets408() throws {
        let server = try makeServer { $0.headTimeout = .milliseconds(300) }
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        let started = ContinuousClock.now
        connection.send("GET /hello HTTP/1.1\r\n")
        // Each piece arrives well within any per-read timeout; only the whole-head deadline catches it.
        for piece in ["Host", ": te", "st\r\n", "X-A: 1\r\n", "X-B: 2\r\n"] {
            Thread.sleep(forTimeInterval: 0.08)
            connection.send(piece)
        }
        let response = try #require(connection.readResponse())
        let elapsed = ContinuousClock.now - started
        #expect(response.status == 408)
        #expect(response.problem?.type == "https://tollgate.dev/problems/head-timeout")
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(2))
        #expect(eventually { server.metrics.rejections[.headTimeout] == 1 })
    }

    @Test func bodyArrivingTooSlowlyGets408() throws {
        let server = try makeServer { $0.bodyTimeout = .milliseconds(300) }
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc")
        let response = try #require(connection.readResponse())
        #expect(response.status == 408)
        #expect(response.problem?.type == "https://tollgate.dev/problems/body-timeout")
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        let server = try makeServer { $0.idleTimeout = .milliseconds(300) }
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(connection.readResponse()?.status == 200)
        #expect(connection.isStillOpen(after: .milliseconds(150)))
        #expect(connection.closesSilently(within: .seconds(2)))
        #expect(server.metrics.idleConnectionsClosed == 1)
        #expect(eventually { server.metrics.openConnections == 0 })
    }

    @Test func connectionsBeyondTheCapGet503() throws {
        let server = try makeServer { $0.maxConnections = 2 }
        defer { server.shutdown() }
        let first = try RawConnection(port: server.port)
        let second = try RawConnection(port: server.port)
        for connection in [first, second] {
            connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            #expect(connection.readResponse()?.status == 200)
        }
        let third = try RawConnection(port: server.port)
        third.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        let refused = try #require(third.readResponse())
        #expect(refused.status == 503)
        #expect(refused.headers["Retry-After"] == "1")
        #expect(refused.problem?.type == "https://tollgate.dev/problems/connection-limit")
        #expect(third.closesSilently(within: .seconds(2)))
        #expect(server.metrics.openConnections == 2)
        #expect(server.metrics.rejections[.connectionLimit] == 1)

        // Once a slot frees up, new connections are served again.
        first.send("GET /close HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(first.readResponse()?.bodyText == "bye")
        #expect(first.closesSilently(within: .seconds(2)))
        var served = false
        for _ in 0..<50 where !served {
            let retry = try RawConnection(port: server.port)
            retry.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
            served = retry.readResponse()?.status == 200
            if !served { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(served)
    }
}
