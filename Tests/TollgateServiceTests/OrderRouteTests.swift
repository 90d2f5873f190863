import Dispatch
import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateHTTPMessages
import TollgateNode
import TollgateWire

/// Orders through the API: a sale naming an order already issued is answered 200 with its license
/// (also when the same order races in from many callers at once), other terms 409 `order-conflict`;
/// `POST /v1/licenses/batch` refuses a batch with a bad row as 422 `batch-refused` naming the row.
@Suite struct OrderRouteTests {
    static let token = "order-route-token"

    static func api(_ agent: LicensingNode) throws -> (NodeAPI, NodeExecutor) {
        let executor = NodeExecutor(node: agent)
        let api = NodeAPI(executor: executor, token: OperatorToken(token), anchorPEM: "", nodeName: "agent",
                          clock: { ExecutorSignatureRecordTests.now })
        return (api, executor)
    }

    static func post(_ api: NodeAPI, _ path: String, _ body: some Encodable) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        headers.add(name: "Content-Type", value: "application/json")
        return api.handle(HTTPRequest(method: .post, path: path, headers: headers, body: Array(try JSONEncoder().encode(body))))
    }

    static func sale(_ order: String, price: Int64 = 500, country: String = "DE") -> LicenseRequest {
        var request = LicenseRequest(customer: "customer \(order)", country: country, product: "cad", model: "perpetual",
                                     price: Price(currency: "EUR", amount: price))
        request.order = order
        return request
    }

    @Test func aSaleNamingAnIssuedOrderGetsItsLicenseBack() throws {
        let agent = try ExecutorSignatureRecordTests.agent()
        let (api, executor) = try Self.api(agent)
        defer { executor.stop() }
        let first = try Self.post(api, "/v1/licenses", Self.sale("O-1"))
        #expect(first.status.code == 201)
        let again = try Self.post(api, "/v1/licenses", Self.sale("O-1"))
        #expect(again.status.code == 200)
        #expect(try again.decodeJSON(LicenseFile.self) == first.decodeJSON(LicenseFile.self))
        let other = try Self.post(api, "/v1/licenses", Self.sale("O-1", price: 600))
        #expect(other.status.code == 409)
        #expect(other.problemDetails?.type == "https://tollgate.dev/problems/order-conflict")
        #expect(try agent.issuedLicenses().count == 1)
    }

    @Test func oneOrderFromManyCallersAtOnceIssuesOnce() throws {
        let agent = try ExecutorSignatureRecordTests.agent()
        let (api, executor) = try Self.api(agent)
        defer { executor.stop() }
        let answers = Mutex<[(Int, String)]>([])
        let group = DispatchGroup()
        for _ in 0..<16 {
            group.enter()
            Thread {
                if let response = try? Self.post(api, "/v1/licenses", Self.sale("RACE-1")),
                   let file = try? response.decodeJSON(LicenseFile.self) {
                    answers.withLock { $0.append((response.status.code, file.license)) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let all = answers.withLock { $0 }
        #expect(all.count == 16)
        #expect(all.filter { $0.0 == 201 }.count == 1)
        #expect(Set(all.map(\.1)).count == 1)
        #expect(try agent.issuedLicenses().count == 1)
    }

    @Test func aBatchWithABadRowIsRefusedNamingItAndAFixedOneIssuesOnce() throws {
        let agent = try ExecutorSignatureRecordTests.agent()
        let (api, executor) = try Self.api(agent)
        defer { executor.stop() }
        let refused = try Self.post(api, "/v1/licenses/batch", APIBodies.OrdersBody(orders: [Self.sale("P-1"), Self.sale("P-2", country: "US"), Self.sale("P-3")]))
        #expect(refused.status.code == 422)
        #expect(refused.problemDetails?.type == "https://tollgate.dev/problems/batch-refused")
        let body = try refused.decodeJSON(APIBodies.BatchRefusalBody.self)
        #expect(body.errors.map(\.row) == [2])
        #expect(body.errors.map(\.field) == ["country"])
        #expect(body.errors.map(\.code) == ["country_not_allowed"])
        #expect(try agent.issuedLicenses().isEmpty)
        let orders = APIBodies.OrdersBody(orders: [Self.sale("P-1"), Self.sale("P-2"), Self.sale("P-3")])
        let issued = try Self.post(api, "/v1/licenses/batch", orders)
        #expect(issued.status.code == 201)
        let results = try issued.decodeJSON(APIBodies.OrderResultsBody.self).results
        #expect(results.map(\.status) == [.issued, .issued, .issued])
        let again = try Self.post(api, "/v1/licenses/batch", orders)
        #expect(again.status.code == 200)
        #expect(try again.decodeJSON(APIBodies.OrderResultsBody.self).results.map(\.license) == results.map(\.license))
        #expect(try agent.issuedLicenses().count == 3)
    }
}
