import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

/// The server under injected system-call faults: it must keep its framing and keep serving.
@Suite struct FaultInjectionTests {
    @Test func partialWritesAndFragmentedReadsStillFrameCorrectly() throws {
        let system = FaultySocketSystem(.init(maxWriteSize: 7, maxReadSize: 3))
        let server = try makeServer(system: system)
        defer { server.shutdown() }
        let client = try HTTPClient()
        let base = "http://127.0.0.1:\(server.port)"
        let echoed = try client.send(HTTPClientRequest(method: .post, url: base + "/echo", headers: ["X-Long": String(repeating: "h", count: 300)],
                                                       body: Array(String(repeating: "0123456789", count: 50).utf8)))
        #expect(echoed.bodyText == String(repeating: "0123456789", count: 50))
        let big = try client.send(HTTPClientRequest(url: base + "/big?n=20000"))
        #expect(big.body == TestRoutes.expectedBig(20000))
        #expect(system.count("partial-write") > 2000)
        #expect(server.metrics.connectionErrors == 0)
    }

    @Test func brokenPipeDropsOnlyThatConnection() throws {
        let system = FaultySocketSystem(.init(writeErrors: [.brokenPipe]))
        let server = try makeServer(system: system)
        defer { server.shutdown() }
        let victim = try RawConnection(port: server.port)
        victim.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(victim.closesSilently(within: .seconds(2)))
        #expect(system.count("write-fault") == 1)
        let next = try RawConnection(port: server.port)
        next.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(next.readResponse()?.bodyText == "hello")
        #expect(server.metrics.connectionErrors == 1)
        #expect(eventually { server.metrics.requestsServed == 1 })
    }

    @Test func connectionResetWhileReadingDropsOnlyThatConnection() throws {
        let system = FaultySocketSystem(.init(readErrors: [.connectionReset]))
        let server = try makeServer(system: system)
        defer { server.shutdown() }
        let victim = try RawConnection(port: server.port)
        victim.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(victim.closesSilently(within: .seconds(2)))
        let next = try RawConnection(port: server.port)
        next.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(next.readResponse()?.bodyText == "hello")
        #expect(server.metrics.connectionErrors == 1)
    }

    @Test func acceptFailuresBackOffAndRecover() throws {
        let system = FaultySocketSystem(.init(acceptErrors: [.tooManyOpenFiles, .tooManyOpenFiles, .tooManyOpenFilesInSystem]))
        let server = try makeServer(system: system)
        defer { server.shutdown() }
        let connection = try RawConnection(port: server.port)
        connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(connection.readResponse()?.bodyText == "hello")
        #expect(server.metrics.acceptErrors == 3)
        #expect(system.count("accept-fault") == 3)
    }

    @Test func tlsRecordsGoThroughTheSocketSystem() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let system = FaultySocketSystem(.init(maxWriteSize: 100, maxReadSize: 50))
        let server = try makeServer(system: system) { configuration in
            configuration.tls = HTTPServerConfiguration.TLS(certificateChainPath: certificate.certificatePath,
                                                            privateKeyPath: certificate.keyPath)
        }
        defer { server.shutdown() }
        let client = try HTTPClient(configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath))
        let big = try client.send(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/big?n=50000"))
        #expect(big.body == TestRoutes.expectedBig(50000))
        #expect(system.count("partial-write") > 100)
    }
}
