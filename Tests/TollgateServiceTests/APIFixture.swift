import Foundation
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateWire

/// A node's API over an in-memory store, called directly: the same `NodeAPI.handle` the HTTP server
/// calls, with no socket in between. The node holds no certificate, so most operations refuse; the
/// route table and its checks run all the same.
final class APIFixture {
    static let token = "service-tests-operator-token"

    let executor: NodeExecutor
    let api: NodeAPI

    init() throws {
        let root = try Ed25519PrivateKey()
        let node = LicensingNode(identity: NodeIdentity(name: "ga-test", key: try Ed25519PrivateKey(), anchor: TrustAnchor(publicKey: root.publicKey)),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        executor = NodeExecutor(node: node)
        api = NodeAPI(executor: executor, token: OperatorToken(Self.token), anchorPEM: try root.publicKey.pemRepresentation, nodeName: "ga-test",
                      clock: { Int64(Date().timeIntervalSince1970) })
    }

    deinit {
        executor.stop()
    }

    /// Answers `method path?query` as the server would hand it over, with the operator's token when
    /// `asOperator`.
    func send(_ method: HTTPMethod, _ path: String, query: String? = nil, asOperator: Bool = true, authorization: String? = nil,
              body: [UInt8] = []) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let authorization = authorization ?? (asOperator ? "Bearer \(Self.token)" : nil) { headers.add(name: "Authorization", value: authorization) }
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        return api.handle(HTTPRequest(method: method, path: path, query: query, headers: headers, body: body))
    }

    /// The `tollgate_requests_total` counters by route label, read from `/metrics` (which counts itself).
    func requestCounts() -> [String: UInt64] {
        var counts: [String: UInt64] = [:]
        for line in send(.get, "/metrics").bodyText.split(separator: "\n") where line.hasPrefix("tollgate_requests_total{") {
            guard let start = line.range(of: "route=\""), let end = line[start.upperBound...].range(of: "\"}"),
                  let value = UInt64(line[end.upperBound...].trimmingCharacters(in: .whitespaces)) else { continue }
            counts[String(line[start.upperBound..<end.lowerBound])] = value
        }
        return counts
    }

    /// `endpoint`'s path with its parameters filled in.
    static func concretePath(_ endpoint: Endpoint) -> String {
        endpoint.path.path(["hash": String(repeating: "0", count: 64), "name": "quota", "id": "wh_unknown"]) ?? "\(endpoint.path)"
    }
}
