import Testing
import TollgateTestSupport
import TollgateWire

/// `Deploy/openapi.yaml` against the route table, both ways: every documented path and method is an
/// Endpoint, every Endpoint is documented, and each operation's `operationId` is its Endpoint's name.
@Suite struct OpenAPIRouteTests {
    /// What the document and the route table disagree on: operations only one of them has.
    static func mismatches(_ document: OpenAPIDocument, _ endpoints: [Endpoint] = Endpoint.allCases)
        -> (undocumented: [String], unrouted: [String]) {
        let documented = Set(document.operations.map(\.description))
        let routed = Set(endpoints.map { OpenAPIDocument.Operation(method: $0.method.rawValue, path: "\($0.path)").description })
        return (routed.subtracting(documented).sorted(), documented.subtracting(routed).sorted())
    }

    @Test func theDocumentAndTheRouteTableNameTheSameOperations() throws {
        let document = try OpenAPIDocument()
        let (undocumented, unrouted) = Self.mismatches(document)
        #expect(undocumented == [], "endpoints openapi.yaml does not document")
        #expect(unrouted == [], "documented operations no endpoint serves")
        #expect(document.operations.count == Endpoint.allCases.count, "an operation documented twice")
    }

    @Test func eachOperationIdIsItsEndpointsName() throws {
        let document = try OpenAPIDocument()
        for endpoint in Endpoint.allCases {
            let operation = OpenAPIDocument.Operation(method: endpoint.method.rawValue, path: "\(endpoint.path)")
            #expect(document.operationIDs[operation] == endpoint.rawValue, "\(operation)")
        }
    }

    @Test func aDocumentThatDriftedFromTheTableIsCaughtBothWays() {
        let document = OpenAPIDocument(text: """
            openapi: 3.1.0
            info:
              title: drifted
            paths:
              /healthz:
                get:
                  operationId: health
                  responses:
                    "200":
                      description: ok
              /v1/anchor:
                post:
                  operationId: anchor
            components:
              schemas:
                /v1/not-a-path:
                  get:
            """)
        #expect(document.operations == [.init(method: "GET", path: "/healthz"), .init(method: "POST", path: "/v1/anchor")])
        #expect(document.operationIDs[.init(method: "GET", path: "/healthz")] == "health")
        let (undocumented, unrouted) = Self.mismatches(document, [.health, .anchor, .syncPull])
        #expect(undocumented == ["GET /v1/anchor", "GET /v1/sync/pull"])
        #expect(unrouted == ["POST /v1/anchor"])
    }
}
