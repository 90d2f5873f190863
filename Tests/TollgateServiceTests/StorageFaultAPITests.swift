import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateHTTPMessages
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// A store whose writes fail with a real `SQLITE_FULL` (through the store's fault seam), seen
/// through `NodeAPI.handle`: writes are refused with the stable `storage-full` problem in a plain
/// sentence, the SQL goes to the node's log only, reads are still served, and writes are taken
/// again as soon as space returns.
@Suite struct StorageFaultAPITests {
    static let token = "storage-fault-operator-token"

    /// The fields of `GET /v1/licenses` rows this test reads.
    struct Row: Decodable {
        var hash: String
        var seats: SerialRange
    }

    @Test func aFullDiskRefusesWritesPlainlyServesReadsAndRecovers() throws {
        let rootKey = try Ed25519PrivateKey(), agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let now = Int64(Date().timeIntervalSince1970)
        var delegation = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        delegation.count = 100
        delegation.countries = ["DE"]
        delegation.products = ["cad": []]
        delegation.models = ["perpetual"]
        delegation.priceFloor = ["EUR": 100]
        delegation.nbf = now - 60
        try agent.accept(chain: root.delegate(delegation, at: now).chain, at: now)

        // Writes fail as on a full disk while `full` is set: every statement that adds to the store
        // (a read's transaction commits nothing, so its COMMIT needs no space).
        let full = Atomic(false)
        let writes = ["INSERT", "UPDATE", "DELETE", "REPLACE"]
        agent.store.database.faultInjector = { call in
            let statement = call.sql.drop { $0.isWhitespace }
            return full.load(ordering: .relaxed) && call.kind == .step && writes.contains(where: statement.hasPrefix) ? SQLiteFault.diskFull.resultCode : nil
        }
        let executor = NodeExecutor(node: agent)
        defer { executor.stop() }
        let logged = Mutex<[String]>([])
        let api = NodeAPI(executor: executor, token: OperatorToken(Self.token), anchorPEM: try rootKey.publicKey.pemRepresentation,
                          nodeName: "agent", clock: { now }, log: { line in logged.withLock { $0.append(line) } })
        func send(_ method: HTTPMethod, _ path: String, json: String? = nil) -> HTTPResponse {
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(Self.token)")
            if json != nil { headers.add(name: "Content-Type", value: "application/json") }
            return api.handle(HTTPRequest(method: method, path: path, query: nil, headers: headers, body: Array((json ?? "").utf8)))
        }
        let sale = #"{"customer": "Muster GmbH", "country": "DE", "product": "cad", "model": "perpetual", "price": {"currency": "EUR", "amount": 500}}"#
        let first = send(.post, "/v1/licenses", json: sale)
        #expect(first.status.code == 201, "\(first.bodyText)")
        let firstHash = try JWS.hash(of: JSONDecoder().decode(LicenseFile.self, from: Data(first.body)).license)

        full.store(true, ordering: .relaxed)
        for attempt in 1...2 {
            let refused = send(.post, "/v1/licenses", json: sale)
            #expect(refused.status.code == 503, "attempt \(attempt): \(refused.bodyText)")
            #expect(refused.problemDetails?.type == "https://tollgate.dev/problems/storage-full", "attempt \(attempt): \(refused.bodyText)")
            #expect(refused.headers["Retry-After"] != nil)
            #expect(StoreInternals.found(in: refused.bodyText) == [], "attempt \(attempt): \(refused.bodyText)")
        }
        // The node's log has what the client was not told: the statement and SQLite's code.
        let lines = logged.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("storage failure (full)") && $0.contains("SQLite code 13") && $0.contains("in: INSERT") }, "\(lines)")

        // Reads are still served.
        #expect(send(.get, "/healthz").status.code == 200)
        let listed = send(.get, "/v1/licenses")
        #expect(listed.status.code == 200)
        #expect(try JSONDecoder().decode([Row].self, from: Data(listed.body)).map(\.hash) == [firstHash])
        #expect(send(.get, "/v1/licenses/\(firstHash)/status").status.code == 200)

        // Space returns: the next sale is taken, on the serials right after the first one's.
        full.store(false, ordering: .relaxed)
        let after = send(.post, "/v1/licenses", json: sale)
        #expect(after.status.code == 201, "\(after.bodyText)")
        let rows = try JSONDecoder().decode([Row].self, from: Data(send(.get, "/v1/licenses").body))
        #expect(rows.map(\.seats) == [SerialRange(0, 1), SerialRange(1, 2)])
    }
}
