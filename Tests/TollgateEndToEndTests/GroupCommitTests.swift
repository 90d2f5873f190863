import Dispatch
import Foundation
import Synchronization
import Testing
import TollgateAPI
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateService
import TollgateWire

/// The node executor under many callers at once, on a SQLite file: sales signed on all cores and
/// other work in the same batches. Every acknowledged sale verifies and is in the log at its
/// `log_index` after the file is reopened; no serial is handed out twice; refusals change nothing.
@Suite struct GroupCommitTests {
    @Test func concurrentSalesAndOtherWorkShareBatchesWithoutSharingSerials() throws {
        let scratch = try Scratch("group-commit")
        let path = scratch.path("agent.sqlite")
        let rootKey = try Ed25519PrivateKey()
        let agentKey = try Ed25519PrivateKey()
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        let root = LicensingNode(identity: NodeIdentity(name: "root", key: rootKey, anchor: anchor),
                                 store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
        let now: Int64 = 1_780_000_000
        var delegation = DelegationRequest(subject: "agent", subjectKey: Base64URL.encode(agentKey.publicKey.rawRepresentation))
        delegation.count = 400
        delegation.countries = ["DE"]
        delegation.products = ["cad": ["export"]]
        delegation.models = ["perpetual"]
        delegation.priceFloor = ["EUR": 100]
        delegation.nbf = now - 86_400
        let chain = try root.delegate(delegation, at: now)
        let agent = LicensingNode(identity: NodeIdentity(name: "agent", key: agentKey, anchor: anchor),
                                  store: try NodeStore(database: SQLiteDatabase(path: path)))
        try agent.accept(chain: chain.chain, at: now)
        let executor = NodeExecutor(node: agent)

        let sale = LicenseRequest(customer: "c", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 500))
        let cheap = LicenseRequest(customer: "c", country: "DE", product: "cad", model: "perpetual", price: Price(currency: "EUR", amount: 99))
        let accepted = Mutex<[LicenseFile]>([])
        let refusals = Mutex<[NodeError]>([])
        let done = DispatchGroup()
        for caller in 0..<12 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                for round in 0..<30 {
                    do throws(NodeError) {
                        switch (caller + round) % 6 {
                        case 0: _ = try executor.issue(cheap, at: now)  // refused: below the floor
                        case 1: _ = try executor.perform { node throws(NodeError) in try node.issuedLicenses().count }
                        default:
                            let file = try executor.issue(sale, at: now)
                            accepted.withLock { $0.append(file) }
                        }
                    } catch {
                        refusals.withLock { $0.append(error) }
                    }
                }
            }
        }
        done.wait()
        executor.stop()

        let files = accepted.withLock { $0 }
        let refused = refusals.withLock { $0 }
        // 12 × 30 calls: 60 below the floor, 60 reads, 240 sales; 400 seats are enough for all.
        #expect(files.count == 240)
        #expect(refused.count == 60)
        #expect(refused.allSatisfy { $0.rule == .priceBelowFloor }, "\(Set(refused.map(\.description)))")

        let reopened = try NodeStore(database: SQLiteDatabase(path: path))
        #expect(try reopened.log.size == 241)  // the received certificate, then every sale
        let verifier = LicenseVerifier(anchor: anchor)
        var serials = Set<UInt64>()
        for file in files {
            let license = try verifier.verify(file, at: now).license
            let entry = try reopened.log.entry(at: license.payload.logIndex)
            #expect(entry.bytes == Array(license.compact.utf8), "log_index \(license.payload.logIndex) holds another entry")
            for serial in license.payload.seats.start..<license.payload.seats.end {
                #expect(serials.insert(serial).inserted, "serial \(serial) handed out twice")
            }
        }
    }
}
