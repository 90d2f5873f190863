import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport

/// Moving licenses between customer ids (mergers and acquisitions): at the issuer or an ancestor,
/// signed and logged, followed by renewals and by the root's reports after sync; every bad transfer
/// is refused with a clear error and changes nothing; a transfer by a node without authority over
/// the license is found by the audit with evidence that re-checks.
@Suite struct CustomerTransferTests {
    static let year: Int64 = 365 * 86_400

    func subscription(_ wide: ChannelReportTests.Wide, _ customer: String, amount: Int64 = 100_000) throws -> String {
        let file = try wide.channel.regional.issue(RenewalReportTests.subscription(wide.channel, customer, term: Self.year, amount: amount,
                                                                                   from: wide.channel.now), at: wide.channel.now)
        return JWS.hash(of: file.license)
    }

    @Test func aMergeMovesEveryLicenseAndTheHistoryRenewalsAndARRFollow() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, regional = channel.regional
        let first = try subscription(wide, "Muster GmbH", amount: 200_000)
        let second = try subscription(wide, "Muster GmbH")
        _ = try subscription(wide, "Buyer AG", amount: 50_000)
        let transfers = try regional.transferCustomer(from: "Muster GmbH", to: "Buyer AG", at: now + 10)
        #expect(transfers.count == 1)
        let transfer = try #require(transfers.first).payload
        #expect(transfer.reason == "merge" && transfer.licenses == [first, second].sorted() && transfer.iss == regional.identity.keyID)
        // Logged and verified as this node's own.
        #expect(try regional.store.log.entries(in: 0..<regional.store.log.size).last?.kind == "customer-transferred")
        // A renewal here names the new customer; the license itself is unchanged.
        let renewal = try regional.renew(licenseHash: first, exp: now + 2 * Self.year, at: now + 20)
        #expect(try SignedLicense(compact: renewal.license).payload.customer == "Buyer AG")

        try wide.syncAll(at: now + 30)
        let history = try #require(try channel.root.report("customer", query: .init(customer: "buyer ag"), at: now + 40).history)
        #expect(history.filter { $0.event == "transferred from Muster GmbH" }.count == 2, "\(history.map(\.event))")
        #expect(history.filter { $0.event == "license issued" }.count == 3, "the licenses Muster GmbH bought follow it")
        let old = try #require(try channel.root.report("customer", query: .init(customer: "Muster GmbH"), at: now + 40).history)
        #expect(old.filter { $0.event == "transferred to Buyer AG" }.count == 2)
        let concentration = try #require(try channel.root.report("concentration", query: .init(at: now + 50), at: now + 40).concentration)
        #expect(concentration.first?.top.map(\.customer) == ["Buyer AG"], "one account now: \(concentration)")
        // 200,000 a year renewed for two years at the same price (100,000 a year), 100,000 and 50,000.
        #expect(concentration.first?.top.first?.annualRecurring == 250_000)
        #expect(try channel.root.audit(at: now + 60).isEmpty)
    }

    @Test func aTransferOfNamedLicensesAtAnAncestorMovesOnlyThose() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now
        let kept = try subscription(wide, "Muster GmbH")
        let moved = try subscription(wide, "Muster GmbH")
        try wide.syncAll(at: now + 1)
        // The general agent is an ancestor of the license's issuer: it may move it.
        let transfers = try channel.general.transferCustomer(from: "Muster GmbH", to: "Spin-off AG", licenses: [String(moved.prefix(10))], at: now + 10)
        #expect(transfers.map(\.payload.licenses) == [[moved]] && transfers[0].payload.reason == "transfer")
        try wide.syncAll(at: now + 20)
        let history = try #require(try channel.root.report("customer", query: .init(customer: "Spin-off AG"), at: now + 30).history)
        #expect(history.map(\.event) == ["license issued", "transferred from Muster GmbH"])
        #expect(history[0].detail.contains(HashID.short(moved)) && !history.contains { $0.detail.contains(HashID.short(kept)) })
        #expect(try channel.root.audit(at: now + 40).isEmpty)
    }

    @Test func badTransfersAreRefusedWithTheirCodeAndChangeNothing() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, regional = channel.regional
        let license = try subscription(wide, "Muster GmbH")
        let other = try subscription(wide, "Other KG")
        let size = try regional.store.log.size
        func refused(_ code: NodeError.Code, from: String = "Muster GmbH", to: String = "Buyer AG", licenses: [String] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) {
            do {
                _ = try regional.transferCustomer(from: from, to: to, licenses: licenses, at: now + 10)
                Issue.record("transfer from \(from) to \(to) of \(licenses) was taken", sourceLocation: sourceLocation)
            } catch {
                #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            }
        }
        refused(.notFound, from: "Muster GmbJ")  // no such customer: a suggestion
        refused(.invalidRequest, to: "Muster GmbH")  // to itself
        refused(.invalidRequest, to: "")
        refused(.customerMismatch, licenses: [license, other])  // Other KG's license
        refused(.notFound, licenses: ["ZZZZZZZZ"])
        refused(.invalidRequest, licenses: ["ab"])  // too short an id
        _ = try regional.revoke(license: other, reason: "refund", at: now + 5)
        refused(.invalidRequest, from: "Other KG")  // revoked
        #expect(try regional.store.log.size == size + 1, "only the revocation was logged")
        #expect(try regional.store.owner(ofLineage: license) == nil)
        do {
            _ = try regional.transferCustomer(from: "Muster GmbJ", to: "Buyer AG", at: now + 10)
        } catch {
            #expect(error.reason.contains("did you mean 'Muster GmbH'"), "\(error.reason)")
        }
    }

    /// A node that is neither the issuer nor an ancestor (a sibling under the root) signs and logs a
    /// transfer of the regional agent's license behind its honest code: the root's audit names it,
    /// the reports ignore the transfer, and the evidence re-checks.
    @Test func aTransferByANodeWithoutAuthorityIsFoundAndMovesNothing() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now
        let license = try subscription(wide, "Muster GmbH")
        try wide.syncAll(at: now + 1)
        let sibling = wide.others[0]
        do {
            _ = try sibling.transferCustomer(from: "Muster GmbH", to: "Thief Ltd", licenses: [license], at: now + 5)
            Issue.record("a sibling transferred another branch's license")
        } catch {
            #expect(error.code == .notFound)
        }
        let forged = try SignedCustomerTransfer.sign(CustomerTransfer(iss: sibling.identity.keyID, from: "Muster GmbH", to: "Thief Ltd", licenses: [license],
                                                                      reason: .transfer, iat: now + 10, jti: "forged"), with: sibling.identity.key)
        _ = try sibling.store.log.append(kind: "customer-transferred", bytes: Array(forged.compact.utf8), at: now + 10)
        try wide.syncAll(at: now + 20)
        let findings = try channel.root.audit(at: now + 30)
        let finding = try #require(findings.first { $0.kind == .unauthorizedTransfer }, "\(findings.map(\.kind))")
        #expect(finding.node == sibling.identity.keyID && findings.count == 1)
        try FindingCheck(anchor: channel.anchor).check(finding)
        var cut = finding
        cut.node = channel.regional.identity.keyID
        #expect(throws: NodeError.self) { try FindingCheck(anchor: channel.anchor).check(cut) }
        #expect(throws: NodeError.self) { try channel.root.report("customer", query: .init(customer: "Thief Ltd"), at: now + 40) }
    }

    @Test func aTransferNamesSortedDistinctLicensesOfTwoCustomers() {
        func fails(_ transfer: CustomerTransfer) -> Bool {
            (try? transfer.validateFields(object: "t")) == nil
        }
        let good = CustomerTransfer(iss: "k", from: "A", to: "B", licenses: ["y", "x"], reason: .merge, iat: 1_780_000_000, jti: "j")
        #expect(good.licenses == ["x", "y"] && !fails(good))
        var same = good
        same.to = "A"
        var unsorted = good
        unsorted.licenses = ["y", "x"]
        var repeated = good
        repeated.licenses = ["x", "x"]
        var none = good
        none.licenses = []
        var reason = good
        reason.reason = "theft"
        for bad in [same, unsorted, repeated, none, reason] { #expect(fails(bad), "\(bad)") }
    }
}
