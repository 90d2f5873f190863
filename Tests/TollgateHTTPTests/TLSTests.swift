import Foundation
import Testing
import TollgateHTTP
import TollgateHTTPMessages

@Suite struct TLSTests {
    private func makeTLSServer(_ certificate: TestCertificate, system: any SocketSystem = POSIXSocketSystem(),
                               _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> HTTPServer {
        try makeServer(system: system) { configuration in
            configuration.tls = HTTPServerConfiguration.TLS(certificateChainPath: certificate.certificatePath,
                                                            privateKeyPath: certificate.keyPath)
            configure(&configuration)
        }
    }

    @Test func roundTripTrustsOnlyTheConfiguredCA() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let server = try makeTLSServer(certificate)
        defer { server.shutdown() }
        let url = "https://127.0.0.1:\(server.port)/echo"

        let trusting = try HTTPClient(configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath))
        for index in 0..<3 {
            let response = try trusting.send(HTTPClientRequest(method: .post, url: url, body: Array("secret \(index)".utf8)))
            #expect(response.status == .ok)
            #expect(response.bodyText == "secret \(index)")
        }
        let big = try trusting.send(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/big?n=200000"))
        #expect(big.body == TestRoutes.expectedBig(200000))
        #expect(server.metrics.connectionsAccepted == 1)

        let untrusting = try HTTPClient()
        do {
            _ = try untrusting.send(HTTPClientRequest(url: url))
            Issue.record("a self-signed certificate must not verify against the system CAs")
        } catch {
            #expect(error.code == .tls)
        }
        #expect(eventually { server.metrics.tlsHandshakeFailures == 1 })

        // Host name verification: a trusted certificate issued for another name is refused.
        let elsewhere = try TestCertificate.make(subjectAltName: "DNS:elsewhere.invalid")
        defer { elsewhere.remove() }
        let misnamed = try makeTLSServer(elsewhere)
        defer { misnamed.shutdown() }
        let wrongName = try HTTPClient(configuration: HTTPClientConfiguration(caBundlePath: elsewhere.certificatePath))
        do {
            _ = try wrongName.send(HTTPClientRequest(url: "https://127.0.0.1:\(misnamed.port)/hello"))
            Issue.record("a certificate for another name must not verify")
        } catch {
            #expect(error.code == .tls)
        }
    }

    @Test func limitsApplyOverTLS() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        let server = try makeTLSServer(certificate) { configuration in
            configuration.maxBodySize = 1000
            configuration.tls?.handshakeTimeout = .milliseconds(300)
        }
        defer { server.shutdown() }
        let client = try HTTPClient(configuration: HTTPClientConfiguration(caBundlePath: certificate.certificatePath))
        let tooLarge = try client.send(HTTPClientRequest(method: .post, url: "https://127.0.0.1:\(server.port)/echo",
                                                         body: [UInt8](repeating: 1, count: 5000)))
        #expect(tooLarge.status == .contentTooLarge)
        // A peer that connects but never starts the handshake is dropped after the handshake timeout.
        let silent = try RawConnection(port: server.port)
        #expect(silent.closesSilently(within: .seconds(2)))
        // Cleartext HTTP to the TLS port fails the handshake instead of reaching the handler.
        let plain = try RawConnection(port: server.port)
        plain.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(plain.readResponse(timeout: .seconds(2))?.status != 200)
        #expect(server.metrics.requestsServed == 0)
        #expect(server.metrics.tlsHandshakeFailures >= 2)
    }

    @Test func refusesUnusableCertificateFiles() throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        var configuration = HTTPServerConfiguration()
        configuration.tls = HTTPServerConfiguration.TLS(certificateChainPath: certificate.directory + "/missing.pem",
                                                        privateKeyPath: certificate.keyPath)
        #expect {
            _ = try HTTPServer(configuration: configuration, handler: TestRoutes.handler)
        } throws: { error in
            (error as? HTTPServerError)?.code == .tlsConfiguration
        }
        // The certificate file as key: PEM, but not a private key.
        configuration.tls = HTTPServerConfiguration.TLS(certificateChainPath: certificate.certificatePath,
                                                        privateKeyPath: certificate.certificatePath)
        #expect {
            _ = try HTTPServer(configuration: configuration, handler: TestRoutes.handler)
        } throws: { error in
            (error as? HTTPServerError)?.code == .tlsConfiguration
        }
    }
}
