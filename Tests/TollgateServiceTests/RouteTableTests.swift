import Testing
import TollgateHTTPMessages
import TollgateWire

/// The route table as the API serves it, without a socket: every endpoint reaches its own handler
/// and is counted under its own label, the caller column is enforced, an unknown path is 404 and a
/// known path with another method is 405 naming the methods it takes.
@Suite struct RouteTableTests {
    static let probeMethods: [HTTPMethod] = [.get, .post, .put, .delete, .patch]
    static let problemBase = "https://tollgate.dev/problems/"

    @Test func eachMethodAndPathIsOneEndpointAndMatchesBackToIt() {
        let keys = Endpoint.allCases.map { "\($0.method) \($0.path)" }
        #expect(Set(keys).count == keys.count, "two endpoints share a method and path: \(keys)")
        for endpoint in Endpoint.allCases {
            let matched = Endpoint.match(method: endpoint.method, path: APIFixture.concretePath(endpoint))
            #expect(matched?.endpoint == endpoint)
        }
        #expect(Endpoint.match(method: .get, path: "/v1/licenses/abc/status")?.parameters == ["hash": "abc"])
        #expect(Endpoint.match(method: .get, path: "/v1/reports/quota")?.parameters == ["name": "quota"])
    }

    @Test(arguments: Endpoint.allCases)
    func everyEndpointIsDispatchedAndCountedUnderItsLabel(_ endpoint: Endpoint) throws {
        let fixture = try APIFixture()
        let before = fixture.requestCounts()
        let response = fixture.send(endpoint.method, APIFixture.concretePath(endpoint), body: endpoint.method == .post ? Array("{}".utf8) : [])
        let type = response.problemDetails?.type
        #expect(type != Self.problemBase + "no-such-endpoint" && type != Self.problemBase + "method-not-allowed",
                "\(endpoint.label) is not routed: \(response.status.code) \(response.bodyText)")
        let after = fixture.requestCounts()
        // Reading the counters is itself a GET /metrics, counted once per reading.
        for label in Set(before.keys).union(after.keys) {
            let expected = (label == endpoint.label ? 1 : 0) + (label == Endpoint.metrics.label ? 1 : 0)
            #expect(after[label, default: 0] - before[label, default: 0] == UInt64(expected), "\(label) after \(endpoint.label)")
        }
    }

    @Test func operatorEndpointsRefuseEveryCallWithoutTheToken() throws {
        let fixture = try APIFixture()
        let wrong = [nil, "Bearer wrong", "Basic \(APIFixture.token)", "Bearer \(APIFixture.token)x", "Bearer  \(APIFixture.token)", APIFixture.token]
        for endpoint in Endpoint.allCases where endpoint.caller == .operator {
            for authorization in wrong {
                let response = fixture.send(endpoint.method, APIFixture.concretePath(endpoint), asOperator: false, authorization: authorization)
                #expect(response.status.code == 401 && response.problemDetails?.type == Self.problemBase + "operator-token-required",
                        "\(endpoint.label) with \(authorization ?? "no Authorization"): \(response.status.code) \(response.bodyText)")
            }
        }
    }

    @Test func childEndpointsRefuseUnsignedCallsEvenFromTheOperator() throws {
        let fixture = try APIFixture()
        let children = Endpoint.allCases.filter { $0.caller == .child }
        #expect(Set(children) == [.syncPull, .syncPush])
        for endpoint in children {
            let response = fixture.send(endpoint.method, APIFixture.concretePath(endpoint), body: Array("{}".utf8))
            #expect(response.status.code == 401 && response.problemDetails?.type == Self.problemBase + "node-signature-required",
                    "\(endpoint.label): \(response.status.code) \(response.bodyText)")
        }
    }

    @Test func publicAndMachineEndpointsNeedNoCredentials() throws {
        let fixture = try APIFixture()
        for endpoint in Endpoint.allCases where endpoint.caller == .anyone || endpoint.caller == .machine {
            let response = fixture.send(endpoint.method, APIFixture.concretePath(endpoint), asOperator: false)
            #expect(response.status.code != 401, "\(endpoint.label): \(response.bodyText)")
        }
        #expect(fixture.send(.get, "/healthz", asOperator: false).bodyText == "ok\n")
    }

    @Test(arguments: ["/", "/v1", "/v1/nothing", "/v1/licenses/abc/status/extra", "/v2/anchor", "/healthz/more", "/V1/anchor"])
    func anUnknownPathIs404ForEveryMethod(_ path: String) throws {
        let fixture = try APIFixture()
        for method in Self.probeMethods {
            let response = fixture.send(method, path)
            #expect(response.status.code == 404 && response.problemDetails?.type == Self.problemBase + "no-such-endpoint",
                    "\(method) \(path): \(response.status.code) \(response.bodyText)")
            #expect(response.headers["Allow"] == nil)
        }
        #expect(fixture.requestCounts()["unmatched"] == UInt64(Self.probeMethods.count))
    }

    @Test func aKnownPathWithAnotherMethodIs405NamingItsMethods() throws {
        let fixture = try APIFixture()
        for endpoints in Dictionary(grouping: Endpoint.allCases, by: { "\($0.path)" }).values {
            let served = Set(endpoints.map(\.method.rawValue))
            let path = APIFixture.concretePath(endpoints[0])
            for method in Self.probeMethods where !served.contains(method.rawValue) {
                let response = fixture.send(method, path)
                #expect(response.status.code == 405 && response.problemDetails?.type == Self.problemBase + "method-not-allowed",
                        "\(method) \(path): \(response.status.code) \(response.bodyText)")
                #expect(response.headers["Allow"] == served.sorted().joined(separator: ", "), "\(method) \(path)")
            }
        }
        #expect(fixture.send(.delete, "/v1/licenses").headers["Allow"] == "GET, POST")
        #expect(fixture.send(.get, "/v1/sync/push").headers["Allow"] == "POST")
        #expect(fixture.send(.put, "/v1/licenses/abc/renewals").headers["Allow"] == "POST")
    }
}
