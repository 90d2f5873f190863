import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

/// The libcurl client against the real server.
@Suite struct ClientTests {
    @Test func reusesOneConnectionForConsecutiveRequests() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        let client = try HTTPClient()
        for index in 0..<5 {
            let response = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/echo?n=\(index)"))
            #expect(response.status == .ok)
            #expect(response.headers["x-query"] == "n=\(index)")
        }
        #expect(server.metrics.connectionsAccepted == 1)
        #expect(eventually { server.metrics.requestsServed == 5 })
    }

    @Test func methodsHeadersAndBodiesRoundTrip() throws {
        struct Payload: Codable, Equatable { let serial: Int; let country: String }
        let server = try makeServer()
        defer { server.shutdown() }
        let client = try HTTPClient()
        let base = "http://127.0.0.1:\(server.port)"
        let payload = Payload(serial: 42, country: "DE")
        let body = Array(try JSONEncoder().encode(payload))
        let posted = try client.send(HTTPClientRequest(method: .post, url: base + "/echo", headers: ["Content-Type": "application/json"], body: body))
        #expect(posted.headers["X-Method"] == "POST")
        #expect(posted.headers["Content-Type"] == "application/json")
        #expect(try posted.decodeJSON(Payload.self) == payload)
        for method: HTTPMethod in [.put, .patch, .delete, .get, "PURGE"] {
            let response = try client.send(HTTPClientRequest(method: method, url: base + "/echo", body: method == .delete ? [] : [1, 2, 3]))
            #expect(response.headers["X-Method"] == method.rawValue)
            #expect(response.body == (method == .delete ? [] : [1, 2, 3]))
        }
        let head = try client.send(HTTPClientRequest(method: .head, url: base + "/hello"))
        #expect(head.headers["Content-Length"] == "5")
        #expect(head.body.isEmpty)
        let missing = try client.send(HTTPClientRequest(url: base + "/nowhere"))
        #expect(missing.status == .notFound)
        #expect(missing.problemDetails?.detail == "no route for /nowhere")
        let big = try client.send(HTTPClientRequest(url: base + "/big?n=300000"))
        #expect(big.body == TestRoutes.expectedBig(300000))
        #expect(server.metrics.connectionsAccepted == 1)
    }

    @Test func oversizedUploadGets413() throws {
        let server = try makeServer { $0.maxBodySize = 64 * 1024 }
        defer { server.shutdown() }
        let client = try HTTPClient()
        let response = try client.send(HTTPClientRequest(method: .post, url: "http://127.0.0.1:\(server.port)/echo",
                                                         body: [UInt8](repeating: 7, count: 2 << 20)))
        #expect(response.status == .contentTooLarge)
        #expect(response.problemDetails?.type == "https://tollgate.dev/problems/body-too-large")
    }

    @Test func timesOutAgainstASlowHandler() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        let client = try HTTPClient(configuration: HTTPClientConfiguration(timeout: .milliseconds(300)))
        let started = ContinuousClock.now
        #expect {
            try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/slow?ms=1200"))
        } throws: { error in
            (error as? HTTPClientError)?.code == .timedOut
        }
        #expect(ContinuousClock.now - started < .seconds(1))
        // The same client recovers on its next request.
        #expect(try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/hello")).bodyText == "hello")
    }

    @Test func reportsConnectionAndRequestErrors() throws {
        let server = try makeServer()
        let port = server.port
        server.shutdown()
        let client = try HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(2)))
        #expect(throws: HTTPClientError.self) { try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/")) }
        do {
            _ = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        } catch {
            #expect(error.code == .couldNotConnect)
            #expect(error.curlCode == 7)
            #expect(!error.reason.isEmpty)
        }
        do {
            _ = try client.send(HTTPClientRequest(url: "ftp://127.0.0.1/file"))
            Issue.record("ftp must be refused")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        do {
            _ = try client.send(HTTPClientRequest(url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: 1"]))
            Issue.record("a header with a line break must be refused")
        } catch {
            #expect(error.code == .invalidRequest)
        }
    }

    @Test func responseBodyLimitIsEnforced() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        var configuration = HTTPClientConfiguration()
        configuration.maxResponseBodySize = 1000
        let client = try HTTPClient(configuration: configuration)
        do {
            _ = try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/big?n=5000"))
            Issue.record("a 5000-byte body must exceed the 1000-byte limit")
        } catch {
            #expect(error.code == .responseTooLarge)
        }
    }

    @Test func servesManyConcurrentKeepAliveConnections() throws {
        let server = try makeServer()
        defer { server.shutdown() }
        let port = server.port
        let clients = 64
        let requestsEach = 5
        // Every client makes its first request, then waits until all 64 connections are open at once.
        let connected = DispatchGroup()
        let proceed = DispatchSemaphore(value: 0)
        let started = ContinuousClock.now
        let workers = (0..<clients).map { worker in
            connected.enter()
            return Background { () -> Int in
                var successes = 0
                defer { if successes == 0 { connected.leave() } }
                guard let client = try? HTTPClient() else { return 0 }
                for index in 0..<requestsEach {
                    let outcome = ClientOutcome { () throws(HTTPClientError) in
                        try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/echo?w=\(worker)&i=\(index)"))
                    }
                    guard outcome.status == 200 else { break }
                    successes += 1
                    if index == 0 {
                        connected.leave()
                        proceed.wait()
                    }
                }
                return successes
            }
        }
        #expect(connected.wait(timeout: .now() + 10) == .success)
        #expect(server.metrics.openConnections == clients)
        for _ in 0..<clients { proceed.signal() }
        let successes = workers.map { $0.wait(timeout: .seconds(15)) ?? 0 }.reduce(0, +)
        let elapsed = ContinuousClock.now - started
        #expect(successes == clients * requestsEach)
        #expect(server.metrics.connectionsAccepted == UInt64(clients))
        #expect(eventually { server.metrics.requestsServed == UInt64(clients * requestsEach) })
        print("\(clients) simultaneous keep-alive clients x \(requestsEach) requests: \(elapsed)")
    }
}
