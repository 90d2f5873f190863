import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The vendor selling directly: the root delegates a certificate to itself, carved from its serial
/// space like any delegation, and sells, activates, reports and audits under it as an agent would.
@Suite struct RootDirectSaleTests {
    /// A certificate to the root itself: DE and AT, cad-pro, a EUR 50.00 floor.
    @discardableResult
    func ownCertificate(_ channel: Channel, count: UInt64 = 1_000) throws -> CertificateChain {
        var request = DelegationRequest(subject: "", subjectKey: "")
        request.toSelf = true
        request.count = count
        request.countries = ["AT", "DE"]
        request.products = ["cad-pro": ["export", "render"]]
        request.models = ["perpetual", "subscription"]
        request.priceFloor = ["EUR": 5_000]
        return try channel.root.delegate(request, at: channel.now)
    }

    func directSale(_ customer: String, price: Int64 = 6_000, seats: UInt64 = 1, model: String = "perpetual",
                    exp: Int64? = nil) -> LicenseRequest {
        var request = LicenseRequest(customer: customer, country: "DE", product: "cad-pro", model: model,
                                     price: Price(currency: "EUR", amount: price), seatCount: seats)
        request.exp = exp
        return request
    }

    @Test func theRootSellsUnderItsOwnCertificateAndTheLicenseVerifiesWithTheAnchorAlone() throws {
        let channel = try Channel()
        #expect(throws: NodeError.self) { try channel.root.issue(directSale("Early AG"), at: channel.now) }
        let chain = try ownCertificate(channel)
        #expect(chain.chain.count == 1)
        let own = try SignedCertificate(compact: chain.chain[0]).payload
        #expect(own.sub == "root" && own.iss == channel.root.identity.keyID)
        #expect(try channel.root.heldCertificates().map(\.hash) == [JWS.hash(of: chain.chain[0])])

        let file = try channel.root.issue(directSale("Direct AG", seats: 3), at: channel.now)
        let verified = try LicenseVerifier(anchor: channel.anchor).verify(file, at: channel.now)
        #expect(verified.license.payload.seats == SerialRange(own.seats.start, own.seats.start + 3))
        #expect(verified.license.payload.iss == channel.root.identity.keyID)
        let second = try channel.root.issue(directSale("Second AG"), at: channel.now)
        #expect(try SignedLicense(compact: second.license).payload.seats == SerialRange(own.seats.start + 3, own.seats.start + 4))
    }

    @Test func itsOwnCertificateBindsTheRootsSales() throws {
        let channel = try Channel()
        try ownCertificate(channel)
        do {
            _ = try channel.root.issue(directSale("Cheap AG", price: 100), at: channel.now)
            Issue.record("a sale below the root's own floor was accepted")
        } catch {
            #expect(error.code == .ruleViolation)
        }
        var outside = directSale("Faraway Inc")
        outside.country = "US"
        #expect(throws: NodeError.self) { try channel.root.issue(outside, at: channel.now) }
    }

    @Test func agentsSerialsNeverMeetTheRootsOwn() throws {
        let channel = try Channel()
        let own = try SignedCertificate(compact: ownCertificate(channel).chain[0]).payload.seats
        _ = try channel.root.issue(directSale("Direct AG", seats: 5), at: channel.now)
        // By count: past the root's own certificate, though its licenses end well before its end.
        try channel.wire()
        let general = try channel.general.heldCertificates()[0].payload.seats
        #expect(!general.overlaps(own))
        // By an explicit range inside the root's own certificate: refused, nothing stored.
        var inside = channel.request(to: channel.general, count: 1)
        inside.count = nil
        inside.seats = SerialRange(own.start + 10, own.start + 20)
        inside.countries = ["DE"]
        inside.products = ["cad": []]
        inside.models = ["perpetual"]
        inside.priceFloor = ["EUR": 1_000]
        let size = try channel.root.logSize()
        do {
            _ = try channel.root.delegate(inside, at: channel.now)
            Issue.record("a delegation inside the root's own certificate was accepted")
        } catch {
            #expect(error.code == .serialsTaken)
        }
        #expect(try channel.root.logSize() == size)
        // A second certificate of its own comes after everything handed out.
        let more = try SignedCertificate(compact: ownCertificate(channel, count: 10).chain[0]).payload.seats
        #expect(!more.overlaps(own) && !more.overlaps(general))
    }

    @Test func onlyTheRootDelegatesToItself() throws {
        let channel = try Channel()
        try channel.wire()
        var request = DelegationRequest(subject: "", subjectKey: "")
        request.toSelf = true
        request.count = 1
        do {
            _ = try channel.general.delegate(request, at: channel.now)
            Issue.record("an agent delegated to itself")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        // Naming another subject with the root's own key is refused too.
        var misnamed = channel.request(to: channel.root, count: 1)
        misnamed.subject = "someone-else"
        misnamed.countries = ["DE"]
        misnamed.products = ["cad": []]
        misnamed.models = ["perpetual"]
        misnamed.priceFloor = ["EUR": 1]
        do {
            _ = try channel.root.delegate(misnamed, at: channel.now)
            Issue.record("a certificate for the root's key under another name was accepted")
        } catch {
            #expect(error.code == .invalidRequest)
        }
    }

    @Test func theRootHasNoParentToReturnItsOwnSerialsTo() throws {
        let channel = try Channel()
        let own = try SignedCertificate(compact: ownCertificate(channel).chain[0]).payload.seats
        let size = try channel.root.logSize()
        do {
            _ = try channel.root.returnQuota(SerialRange(own.end - 10, own.end), at: channel.now)
            Issue.record("the root returned serials of its own certificate")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        #expect(try channel.root.logSize() == size)
    }

    @Test func reportsCountTheRootsDirectSales() throws {
        let channel = try Channel()
        try ownCertificate(channel)
        _ = try channel.root.issue(directSale("Direct AG", price: 12_000, seats: 2, model: "subscription", exp: channel.now + 60 * 86_400),
                                   at: channel.now)
        let quota = try channel.root.report("quota", at: channel.now + 1)
        let row = try #require(quota.quota?.first { $0.node == channel.root.identity.keyID })
        #expect(row.issued == 2)
        let revenue = try channel.root.report("revenue", at: channel.now + 1)
        // EUR 120.00 × 2 seats over 60 days: EUR 1,460.00 a year (365 days), EUR 121.66 a month (a twelfth).
        #expect(revenue.revenue?.map(\.currency) == ["EUR"])
        #expect(revenue.revenue?.first?.annualRecurring == 146_000)
        #expect(revenue.revenue?.first?.monthlyRecurring == 12_166)
        #expect(revenue.revenue?.first?.activeSubscriptions == 1)
    }

    @Test func theAuditHoldsTheRootToItsOwnCertificate() throws {
        let channel = try Channel()
        try ownCertificate(channel)
        let honest = try channel.root.issue(directSale("Direct AG"), at: channel.now)
        #expect(try channel.root.audit(at: channel.now + 1).isEmpty)

        let cheat = CheatingNode(node: channel.root)
        try cheat.forgeLicense(at: channel.now + 10) { $0.price = Price(currency: "EUR", amount: 1) }
        let seats = try SignedLicense(compact: honest.license).payload.seats
        try cheat.forgeLicense(at: channel.now + 20) { $0.seats = seats; $0.customer = "second"; $0.price = Price(currency: "EUR", amount: 6_000) }
        let findings = try channel.root.audit(at: channel.now + 30)
        #expect(Set(findings.map(\.kind)) == [.belowPriceFloor, .duplicateSerial])
        #expect(findings.allSatisfy { $0.node == channel.root.identity.keyID })
        let check = FindingCheck(anchor: channel.anchor)
        for finding in findings {
            #expect(throws: Never.self, "\(finding.kind) does not recheck") { try check.check(finding) }
        }
    }
}
