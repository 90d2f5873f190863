import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateHTTP
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

extension EndToEnd {
    /// The attacks of the issue "Anyone can crash a node", against real node processes: each is
    /// refused with a problem naming the rule, and the node keeps serving (a Swift trap would kill
    /// the process, and the next request would find no one listening).
    @Suite struct HostileInputTests {
        static let jose = "application/jose"

        /// A machine request signed by a key of the attacker's own, with any payload text.
        static func machineRequest(payload: String, key: Ed25519PrivateKey, header: String? = nil) throws -> [UInt8] {
            let header = header ?? #"{"alg":"EdDSA","kid":""# + key.publicKey.thumbprint + #"","typ":"tollgate-machine-request+jws"}"#
            let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
            return Array((input + "." + Base64URL.encode(try key.signature(for: Array(input.utf8)))).utf8)
        }

        static func expectAlive(_ api: NodeAPIClient, _ node: NodeProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(node.isRunning, "the node process died", sourceLocation: sourceLocation)
            #expect(try api.get("/healthz").status.code == 200, sourceLocation: sourceLocation)
        }

        static func expectRefused(_ response: HTTPResponse, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(response.status.code == status, "\(response.bodyText)", sourceLocation: sourceLocation)
            #expect(response.headers["Content-Type"]?.hasPrefix(ProblemDetails.mediaType) == true, sourceLocation: sourceLocation)
        }

        /// 1, 8, 9: hostile machine requests from anyone, unauthenticated.
        @Test func hostileMachineRequestsAreRefusedAndTheNodeLives() throws {
            let agent = try AgentFixture("hostile-machine")
            let api = try agent.client()
            let file = try api.expect(LicenseFile.self, status: 201, .post, "/v1/licenses", json: AgentFixture.sale)
            let license = try SignedLicense(compact: file.license).hash
            let attacker = try Ed25519PrivateKey()
            let machineKey = Base64URL.encode(attacker.publicKey.rawRepresentation)
            func payload(iat: String, extra: String = "") -> String {
                #"{"action":"activate","country":"DE","fingerprint":"fp","iat":\#(iat),"license":"\#(license)","machine_key":"\#(machineKey)","nonce":"\#(UUID().uuidString)","platform":"linux-x86_64"\#(extra)}"#
            }
            // iat at -2^63: trapped in `now - iat` before the fix.
            let minimum = try api.send(.post, "/v1/activations", body: try Self.machineRequest(payload: payload(iat: "-9223372036854775808"), key: attacker),
                                       contentType: Self.jose)
            Self.expectRefused(minimum, 400)
            try Self.expectAlive(api, agent.node)
            // The country twice: JOSE libraries read the last, we would have read the first.
            let twice = try api.send(.post, "/v1/activations",
                                     body: try Self.machineRequest(payload: payload(iat: "\(Clock.now)", extra: #","country":"US""#), key: attacker),
                                     contentType: Self.jose)
            Self.expectRefused(twice, 400)
            #expect(twice.problemDetails?.detail?.contains("duplicate_member") == true, "\(twice.bodyText)")
            // A header asking for a critical extension we do not know.
            let critHeader = #"{"alg":"EdDSA","crit":["x"],"kid":""# + attacker.publicKey.thumbprint + #"","typ":"tollgate-machine-request+jws","x":1}"#
            let crit = try api.send(.post, "/v1/activations",
                                    body: try Self.machineRequest(payload: payload(iat: "\(Clock.now)"), key: attacker, header: critHeader),
                                    contentType: Self.jose)
            Self.expectRefused(crit, 400)
            #expect(crit.problemDetails?.detail?.contains("critical_extension") == true, "\(crit.bodyText)")
            // No seat was taken by any of them.
            let status = try api.expect(Wire.Status.self, status: 200, .get, "/v1/licenses/\(license)/status")
            #expect(status.active == 0)
            try Self.expectAlive(api, agent.node)
        }

        /// 2, 3: sales a reseller's operator could ask for that no node may sign.
        @Test func salesOutsideTheObjectLimitsAreRefusedBeforeSigning() throws {
            let agent = try AgentFixture("hostile-sale")
            let api = try agent.client()
            let before = try api.get("/v1/log/checkpoint").bodyText
            var huge = AgentFixture.sale
            huge["price"] = ["currency": "EUR", "amount": 4_000_000_000_000]
            huge["model"] = "subscription"
            huge["exp"] = Clock.now + 30 * 86_400
            Self.expectRefused(try api.send(.post, "/v1/licenses", json: huge), 400)
            var forever = AgentFixture.sale
            forever["model"] = "subscription"
            forever["nbf"] = Int64.min
            forever["exp"] = Int64.max
            Self.expectRefused(try api.send(.post, "/v1/licenses", json: forever), 400)
            var wide = AgentFixture.sale
            wide["territory"] = Array(repeating: "DE", count: 100_000)
            Self.expectRefused(try api.send(.post, "/v1/licenses", json: wide), 400)
            // An operator body naming the price twice.
            let twice = #"{"country":"DE","customer":"Muster GmbH","model":"perpetual","price":{"amount":500,"currency":"EUR"},"price":{"amount":1,"currency":"EUR"},"product":"cad"}"#
            let doubled = try api.send(.post, "/v1/licenses", body: Array(twice.utf8), contentType: "application/json")
            Self.expectRefused(doubled, 400)
            #expect(doubled.bodyText.contains("appears twice"), "\(doubled.bodyText)")
            // Nothing was signed or logged, and the listings and reports answer.
            #expect(try api.get("/v1/log/checkpoint").bodyText == before)
            #expect(try api.get("/v1/licenses").status.code == 200)
            #expect(try api.get("/v1/reports/revenue").status.code == 200)
            try Self.expectAlive(api, agent.node)
        }

        /// 4, 10: a child's hostile sync calls at its parent, and an expired certificate offered to a node.
        @Test func aChildCannotKillItsParent() throws {
            let channel = try ChannelFixture("hostile-child")
            defer { _ = channel.stop() }
            let childKey = try Ed25519PrivateKey(contentsOf: channel.regional.directory.appendingPathComponent("node.key"))
            let http = try HTTPClient(configuration: HTTPClientConfiguration(connectTimeout: .seconds(5), timeout: .seconds(15)))
            func signedCall(_ method: HTTPMethod, _ path: String, body: [UInt8], date: Int64) throws -> HTTPResponse {
                let signature = try RequestSignature.sign(method: method.rawValue, target: path, body: body, date: date,
                                                          nonce: UUID().uuidString, key: childKey)
                var headers = HTTPHeaders()
                for (name, value) in signature.headers { headers.add(name: name, value: value) }
                if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
                return try http.send(HTTPClientRequest(method: method, url: channel.general.baseURL + path, headers: headers, body: body))
            }
            let pull = try signedCall(.get, "/v1/sync/pull", body: [], date: .min)
            #expect(pull.status.code == 401, "\(pull.bodyText)")
            try Self.expectAlive(channel.generalAPI, channel.general)

            let segment = #"{"segments":[{"checkpoint":"x","entries":[],"from":18446744073709551615,"node":"\#(childKey.publicKey.thumbprint)","proof":[],"proof_from":0}]}"#
            let push = try signedCall(.post, "/v1/sync/push", body: Array(segment.utf8), date: Clock.now)
            Self.expectRefused(push, 400)
            try Self.expectAlive(channel.generalAPI, channel.general)

            // A certificate whose window closed a year ago.
            let expired = try channel.vendorAPI.expect(Wire.Chain.self, status: 201, .post, "/v1/delegations", json: [
                "subject": "ga-europe", "subject_key": try ChannelFixture.subjectKey(channel.general.directory), "count": 10,
                "countries": ["DE"], "products": ["cad-pro": ["export"]], "models": ["perpetual"], "price_floor": ["EUR": 4_000],
                "nbf": Clock.now - 2 * 365 * 86_400, "exp": Clock.now - 365 * 86_400,
            ] as [String: Any])
            let accepted = try channel.generalAPI.send(.post, "/v1/certificates", json: ["chain": expired.chain])
            Self.expectRefused(accepted, 422)
            #expect(accepted.problemDetails?.detail?.contains("expired") == true, "\(accepted.bodyText)")
        }

        /// 7: made-up report paths and a `"` in a path add no counter and cannot break the exposition.
        @Test func metricsStayBoundedAndWellFormed() throws {
            let agent = try AgentFixture("hostile-metrics")
            let api = try agent.client()
            _ = try api.get("/v1/reports/quota")
            let before = try api.get("/metrics").bodyText
            for index in 0..<200 { _ = try api.send(.get, "/v1/reports/made-up-\(index)", authorization: "") }
            let raw = try RawConnection(port: agent.node.port)
            raw.send("GET /v1/reports/a\"b HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n")
            _ = raw.readResponse(timeout: .seconds(5))
            let after = try api.get("/metrics").bodyText
            let lines = after.split(separator: "\n")
            #expect(lines.count == before.split(separator: "\n").count, "\(after)")
            var families: Set<Substring> = []
            for line in lines {
                if line.hasPrefix("# HELP ") { families.insert(line.split(separator: " ")[2]) }
                if !line.hasPrefix("#") {
                    let name = line.prefix { $0 != "{" && $0 != " " }
                    #expect(families.contains(name), "no # HELP for \(name)")
                    // One sample per line: name{labels} value, quotes balanced.
                    #expect(line.filter { $0 == "\"" }.count % 2 == 0, "\(line)")
                }
            }
            #expect(after.contains(#"route="GET /v1/reports/{name}""#), "\(after)")
        }
    }
}
