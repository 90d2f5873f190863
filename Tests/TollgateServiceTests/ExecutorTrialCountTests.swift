import Dispatch
import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateWire

/// A customer's trials count against the certificate's allowance while they are only planned: the
/// executor plans the next batch behind sales not yet recorded, and a second trial for the same
/// customer there must be refused as if the first were in the store (else the audit would name an
/// honest node for trials beyond the count).
@Suite struct ExecutorTrialCountTests {
    static let now: Int64 = 1_780_000_000

    /// An agent allowed one 14-day trial per customer, holding 2,000 seats.
    static func agent() throws -> LicensingNode {
        let rootKey = try Ed25519PrivateKey()
        let agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        var delegation = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        delegation.count = 2_000
        delegation.countries = ["DE"]
        delegation.products = ["cad": ["export"]]
        delegation.models = ["perpetual", "trial"]
        delegation.priceFloor = ["EUR": 100]
        delegation.trials = TrialAllowance(days: 14, perCustomer: 1)
        delegation.nbf = now - 86_400
        let chain = try root.delegate(delegation, at: now)
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        try agent.accept(chain: chain.chain, at: now)
        return agent
    }

    @Test func concurrentTrialsForOneCustomerGiveOneAcrossPipelinedBatches() throws {
        let agent = try Self.agent()
        let executor = NodeExecutor(node: agent)
        defer { executor.stop() }
        // Paid sales keep the batches full, so later ones are planned while earlier ones are signed.
        let count = 64 * 20
        let given = Mutex(0)
        // 64 callers at once, each on a thread of its own as the server's connections are, so
        // batches hold more than one chunk of sales and the next is planned while one is signed.
        let group = DispatchGroup()
        for caller in 0..<64 {
            group.enter()
            let thread = Thread {
                for round in 0..<(count / 64) {
                    let trial = (caller + round) % 8 == 0
                    var request = LicenseRequest(customer: trial ? "Trier" : "paid-\(caller)-\(round)", country: "DE", product: "cad",
                                                 model: trial ? "trial" : "perpetual", price: Price(currency: "EUR", amount: trial ? 0 : 500))
                    if trial { request.exp = Self.now + 7 * 86_400 }
                    if (try? executor.issue(request, at: Self.now)) != nil, trial { given.withLock { $0 += 1 } }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        #expect(given.withLock { $0 } == 1)
        #expect(try agent.issuedLicenses().filter { $0.payload.model == "trial" }.count == 1)
    }
}
