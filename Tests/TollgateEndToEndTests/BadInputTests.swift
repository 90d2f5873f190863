import Foundation
import Testing
import TollgateCertificates
import TollgateHTTP
import TollgateHTTPMessages

extension EndToEnd {
    /// Bad input gets a clear `application/problem+json` answer with a stable type, and the node keeps
    /// serving afterwards.
    @Suite struct BadInputTests {
        static let jose = "application/jose"

        @Test func refusalsAreProblemsAndTheNodeKeepsServing() throws {
            let agent = try AgentFixture("bad-input", serveArguments: ["--max-body", "65536", "--head-timeout", "1"])
            let api = try agent.client()
            let port = agent.node.port
            let license = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: AgentFixture.sale)
            let licenseHash = try SignedLicense(compact: license.license).hash

            // Malformed JSON, and JSON of the wrong shape.
            let malformed = try api.send(.post, "/v1/licenses", body: Array("{\"customer\": ".utf8), contentType: "application/json")
            expectProblem(malformed, 400, "malformed-body")
            let wrongShape = try api.send(.post, "/v1/licenses", json: ["customer": 42])
            expectProblem(wrongShape, 400, "malformed-body")

            // No token, a wrong token, another scheme.
            for authorization in ["", "Bearer not-the-token", "Basic \(try agent.node.token)"] {
                let refused = try api.send(.get, "/v1/licenses", authorization: authorization)
                expectProblem(refused, 401, "operator-token-required")
            }

            // A machine request with a broken signature, one naming another machine's key, and garbage.
            let machine = try TestMachine()
            let signed = try machine.request(.activate, license: licenseHash)
            var parts = signed.split(separator: ".").map(String.init)
            var signature = Array(parts[2])
            signature[10] = signature[10] == "A" ? "B" : "A"
            parts[2] = String(signature)
            let tampered = try api.send(.post, "/v1/activations", body: Array(parts.joined(separator: ".").utf8), contentType: Self.jose)
            expectProblem(tampered, 403, "unauthorized")
            let garbage = try api.send(.post, "/v1/activations", body: Array("not a jws".utf8), contentType: Self.jose)
            expectProblem(garbage, 400, "invalid-request")

            // The same signed request twice: the second is a replay.
            let accepted = try api.send(.post, "/v1/activations", body: Array(signed.utf8), contentType: Self.jose)
            #expect(accepted.status.code == 201)
            let replayed = try api.send(.post, "/v1/activations", body: Array(signed.utf8), contentType: Self.jose)
            expectProblem(replayed, 409, "replayed")
            // And a request made long ago.
            let stale = try api.send(.post, "/v1/activations", body: Array(try machine.request(.activate, license: licenseHash, at: Clock.now - 3_600).utf8),
                                     contentType: Self.jose)
            expectProblem(stale, 409, "replayed")

            // Unknown route, wrong method (with the allowed ones named).
            expectProblem(try api.get("/v1/no-such-thing"), 404, "no-such-endpoint")
            expectProblem(try api.get("/favicon.ico"), 404, "no-such-endpoint")
            let wrongMethod = try api.send(.delete, "/v1/licenses")
            expectProblem(wrongMethod, 405, "method-not-allowed")
            #expect(wrongMethod.headers["Allow"] == "GET, POST")

            // The server's own limits, sent byte for byte: body too large (refused before reading it),
            // head too large, head too slow, and Content-Length together with Transfer-Encoding.
            let oversized = try RawConnection(port: port)
            oversized.send("POST /v1/licenses HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            expectProblem(oversized.readResponse(timeout: .seconds(5)), 413, "body-too-large")

            let hugeHead = try RawConnection(port: port)
            hugeHead.send("GET /healthz HTTP/1.1\r\nHost: node\r\nX-Padding: \(String(repeating: "a", count: 100_000))\r\n\r\n")
            expectProblem(hugeHead.readResponse(timeout: .seconds(5)), 431, "head-too-large")

            let slow = try RawConnection(port: port)
            slow.send("GET /healthz HTTP/1.1\r\nHost: no")
            expectProblem(slow.readResponse(timeout: .seconds(10)), 408, "head-timeout")

            let smuggled = try RawConnection(port: port)
            smuggled.send("POST /v1/licenses HTTP/1.1\r\nHost: node\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            expectProblem(smuggled.readResponse(timeout: .seconds(5)), 400, "conflicting-framing")

            // Still serving: health, a sale, and the rejections counted in the metrics.
            let health = try api.get("/healthz")
            #expect(health.status.code == 200 && health.bodyText == "ok\n")
            #expect(try api.send(.post, "/v1/licenses", json: AgentFixture.sale).status.code == 201)
            let metrics = try api.get("/metrics").bodyText
            for reason in ["body-too-large", "head-too-large", "head-timeout", "conflicting-framing"] {
                #expect(metrics.contains("reason=\"\(reason)\"} 1"), "metrics lack the \(reason) rejection:\n\(metrics)")
            }
            agent.node.expectCleanExit()
        }

        private func expectProblem(_ response: HTTPResponse, _ status: Int, _ slug: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response.status.code == status, "\(response.bodyText)", sourceLocation: sourceLocation)
            #expect(response.headers["Content-Type"]?.hasPrefix(ProblemDetails.mediaType) == true, sourceLocation: sourceLocation)
            #expect(response.problemDetails?.type == ProblemType.named(slug), "\(response.bodyText)", sourceLocation: sourceLocation)
            #expect(response.problemDetails?.status == status, sourceLocation: sourceLocation)
        }

        private func expectProblem(_ response: RawResponse?, _ status: Int, _ slug: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
            guard let response else {
                Issue.record("no response where \(status) \(slug) was expected", sourceLocation: sourceLocation)
                return
            }
            #expect(response.status == status, "\(response.bodyText)", sourceLocation: sourceLocation)
            #expect(response.headers["Content-Type"]?.hasPrefix(ProblemDetails.mediaType) == true, sourceLocation: sourceLocation)
            #expect(response.problem?.type == ProblemType.named(slug), "\(response.bodyText)", sourceLocation: sourceLocation)
        }
    }
}
