import Dispatch
import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateCertificates
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
        try ExecutorSignatureRecordTests.agent { delegation in
            delegation.count = 2_000
            delegation.models = ["perpetual", "trial"]
            delegation.trials = TrialAllowance(days: 14, perCustomer: 1)
        }
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
