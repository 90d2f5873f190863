import Foundation
import Testing
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

extension EndToEnd {
    /// A real `tollgate node serve` under the attacks of issue 17: floods of idle connections and hostile
    /// 16 MiB pushes.
    @Suite struct ConnectionFloodTests {
        /// 2,000 in CI; 10,000 with TOLLGATE_LONG=1.
        static var idleCount: Int { ProcessInfo.processInfo.environment["TOLLGATE_LONG"] == "1" ? 10_000 : 2_000 }
        static let perAddress = 250

        @Test func idleConnectionsLeaveHealthzAnsweringAndOneAddressIsCapped() throws {
            _ = OpenFileLimit.raiseToHardLimit()
            let agent = try AgentFixture("idle-flood", serveArguments: ["--head-timeout", "120"])
            let port = agent.node.port
            let idle = try (0..<Self.idleCount).map { index in
                try RawConnection(port: port, source: "127.0.0.\(2 + index / Self.perAddress)")
            }
            let api = try agent.client()
            for _ in 0..<5 {
                let health = try api.get("/healthz")
                #expect(health.status.code == 200 && health.bodyText == "ok\n")
            }
            let metrics = try api.get("/metrics").bodyText
            let open = metrics.split(separator: "\n").first { $0.hasPrefix("tollgate_http_open_connections") }
            let count = open.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
            #expect(count >= Self.idleCount, "\(metrics)")

            // 127.0.0.2 holds 250: six more reach the default cap of 256, the next is refused.
            let more = try (0..<6).map { _ in try RawConnection(port: port, source: "127.0.0.2") }
            let refused = try RawConnection(port: port, source: "127.0.0.2")
            refused.send("GET /healthz HTTP/1.1\r\nHost: node\r\n\r\n")
            let answer = try #require(refused.readResponse(timeout: .seconds(5)))
            #expect(answer.status == 503)
            #expect(answer.problem?.type == ProblemType.named("peer-connection-limit"))
            let fromElsewhere = try api.get("/healthz")
            #expect(fromElsewhere.status.code == 200)
            withExtendedLifetime((idle, more)) {}
            agent.node.expectCleanExit()
        }

        /// The head of a 16 MiB push, with `headers` as its signature headers.
        private static func pushHead(length: Int, _ headers: [(name: String, value: String)]) -> String {
            "POST /v1/sync/push HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n"
                + headers.map { "\($0.name): \($0.value)\r\n" }.joined() + "\r\n"
        }

        @Test func pushesFromStrangersAreRefusedBeforeTheirBody() throws {
            let agent = try AgentFixture("push-heads")
            let port = agent.node.port
            let body = [UInt8](repeating: 0x20, count: 16 << 20)

            let unsigned = try RawConnection(port: port)
            unsigned.send(Self.pushHead(length: body.count, []))
            let missing = try #require(unsigned.readResponse(timeout: .seconds(5)))
            #expect(missing.status == 401)
            #expect(missing.problem?.type == ProblemType.named("node-signature-required"))
            #expect(unsigned.send(body) == false)

            let stranger = try Ed25519PrivateKey()
            let signature = try RequestSignature.sign(method: "POST", target: "/v1/sync/push", body: body, date: Clock.now,
                                                      nonce: UUID().uuidString, key: stranger)
            let signed = try RawConnection(port: port)
            signed.send(Self.pushHead(length: body.count, signature.headers))
            let notChild = try #require(signed.readResponse(timeout: .seconds(5)))
            #expect(notChild.status == 403)
            #expect(notChild.problem?.type == ProblemType.named("unauthorized"))
            #expect(signed.send(body) == false)

            let api = try agent.client()
            #expect(try api.get("/healthz").status.code == 200)
            let metrics = try api.get("/metrics").bodyText
            #expect(metrics.contains("route=\"POST /v1/sync/push\"} 2"), "\(metrics)")
            #expect(metrics.contains("tollgate_http_head_check_refusals_total{node=\"agent\"} 2"), "\(metrics)")
            agent.node.expectCleanExit()
        }

        @Test func aChildsPushWithAForgedSignatureIsRefusedWithoutBeingParsed() throws {
            let channel = try ChannelFixture("push-forged")
            let general = try Ed25519PublicKey(contentsOf: channel.general.directory.appendingPathComponent("node.pub"))
            // Not JSON at all: a parse would answer 400 malformed-body, so 403 shows the signature came first.
            let body = [UInt8](repeating: 0x7B, count: 4 << 20)
            let forged = RequestSignature(keyID: general.thumbprint, date: Clock.now, nonce: UUID().uuidString,
                                          signature: Base64URL.encode([UInt8](repeating: 1, count: 64)))
            let connection = try RawConnection(port: channel.vendor.port)
            connection.send(Self.pushHead(length: body.count, forged.headers))
            #expect(connection.send(body))
            let answer = try #require(connection.readResponse(timeout: .seconds(10)))
            #expect(answer.status == 403)
            #expect(answer.problem?.type == ProblemType.named("unauthorized"))
            #expect(answer.problem?.detail?.contains("does not verify") == true, "\(answer.bodyText)")
            #expect(channel.stop() == [0, 0, 0])
        }
    }
}
