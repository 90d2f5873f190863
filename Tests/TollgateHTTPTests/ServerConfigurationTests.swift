import Testing
import TollgateHTTP
import TollgateHTTPMessages

@Suite struct ServerConfigurationTests {
    @Test func defaultsMatchTheDesign() {
        let configuration = HTTPServerConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.headTimeout == .seconds(10))
        #expect(configuration.maxHeadSize == 80 * 1024)
        #expect(configuration.maxBodySize == 1 << 20)
        #expect(configuration.idleTimeout == .seconds(30))
        #expect(configuration.maxConnections == 16_384)
        #expect(configuration.maxConnectionsPerPeer == 256)
        #expect(configuration.maxBodyBytesInFlight == 64 << 20)
        #expect(configuration.tls == nil)
    }

    @Test func bindsTheWildcardAddressAndReportsThePort() throws {
        let server = try makeServer { $0.host = "0.0.0.0" }
        defer { server.shutdown() }
        #expect(server.localAddress.host == "0.0.0.0")
        #expect(server.port > 0)
        let connection = try RawConnection(port: server.port)
        connection.send("GET /hello HTTP/1.1\r\nHost: test\r\n\r\n")
        #expect(connection.readResponse()?.bodyText == "hello")
    }

    @Test func refusesBadAddressesAndBusyPorts() throws {
        #expect {
            _ = try makeServer { $0.host = "localhost" }
        } throws: { error in
            (error as? HTTPServerError)?.code == .invalidConfiguration
        }
        #expect {
            _ = try makeServer { $0.port = 70000 }
        } throws: { error in
            (error as? HTTPServerError)?.code == .invalidConfiguration
        }
        let server = try makeServer()
        defer { server.shutdown() }
        let port = server.port
        #expect {
            _ = try makeServer { $0.port = port }
        } throws: { error in
            (error as? HTTPServerError)?.code == .bind
        }
    }

    @Test func socketAddressParsesAndPrints() throws {
        let v4 = try #require(SocketAddress(host: "127.0.0.1", port: 8080))
        #expect(v4.description == "127.0.0.1:8080")
        let v6 = try #require(SocketAddress(host: "::1", port: 443))
        #expect(v6.description == "[::1]:443")
        #expect(v6.port == 443)
        #expect(SocketAddress(host: "node.example", port: 80) == nil)
        #expect(SocketAddress(host: "127.0.0.1", port: -1) == nil)
    }
}
