import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode

/// A node that signed an object over the limits (as nodes could before signing checked them) neither
/// jams its sync nor breaks its parent's listings and reports: the parent stores the entry, every
/// view skips it, and the audit reports it as an invalid object that re-checks from its evidence.
@Suite struct InvalidObjectTests {
    @Test func anOversizedLicenseInALogIsReportedNotFatal() throws {
        let tree = try SyncAndAuditTests.Tree()
        let channel = tree.channel
        let now = channel.now
        try tree.syncAll(at: now)
        // The 667 KB license of the attack report: 100,000 × "DE" in territory, signed and logged.
        let held = try channel.regional.heldCertificates()[0]
        let license = License(iss: channel.regional.identity.keyID, cert: held.hash, seats: SerialRange(held.payload.seats.start, held.payload.seats.start + 1),
                              customer: "huge", country: "DE", territory: Array(repeating: "DE", count: 100_000), product: "cad",
                              features: [], model: "perpetual", price: Price(currency: "EUR", amount: 1_000_000), iat: now + 10, nbf: now + 10,
                              exp: nil, logIndex: try channel.regional.store.log.size, jti: UUID().uuidString)
        let oversized = try SignedLicense.signUnchecked(license, with: channel.regional.identity.key)
        #expect(oversized.compact.utf8.count > ObjectLimits.maxObjectBytes)
        var wide = channel.sale("too wide")
        wide.territory = Array(repeating: "DE", count: 100_000)
        #expect(throws: NodeError.self) { try channel.regional.issue(wide, at: now) }
        _ = try channel.regional.store.log.append(kind: LogEntryKind.licenseIssued.rawValue, bytes: Array(oversized.compact.utf8), at: now + 10)
        // A later honest sale must still reach the root.
        _ = try channel.regional.issue(channel.sale("after"), at: now + 20)
        #expect(try channel.regional.issuedLicenses().map(\.payload.customer).contains("after"))

        let regional = try tree.regionalLink.sync(at: now + 30)
        #expect(regional.refused.isEmpty, "\(regional.refused)")
        try tree.generalLink.sync(at: now + 40)
        let quota = try channel.root.report("quota", at: now + 50).quota ?? []
        #expect(quota.first { $0.name == "ra" }?.issued == 1)
        #expect(try channel.root.report("revenue", at: now + 50).revenue != nil)

        let findings = try channel.root.audit(at: now + 60).filter { $0.kind == .invalidObject }
        #expect(findings.count == 1, "\(findings.map(\.summary))")
        #expect(findings.first?.node == channel.regional.identity.keyID)
        let check = FindingCheck(anchor: channel.anchor)
        for finding in findings {
            try check.check(finding)
            // Tampered evidence does not hold.
            var tampered = finding
            tampered.evidence = finding.evidence.map { item in
                var item = item
                if item.role == .entry { item.index = (item.index ?? 0) + 1 }
                return item
            }
            #expect(throws: (any Error).self) { try check.check(tampered) }
        }
    }

    /// Hostile numbers in a relayed log can only be logged by a cheater signing by hand; reports
    /// over them saturate instead of trapping.
    @Test func reportsOverHostileNumbersDoNotTrap() throws {
        #expect(ChannelView.total([UInt64.max, 5, 7]) == UInt64.max)
        #expect(ChannelView.total([1, 2, 3]) == 6)
        let tree = try SyncAndAuditTests.Tree()
        let channel = tree.channel
        let now = channel.now
        try tree.syncAll(at: now)
        // Sales at the largest price the limits allow, on four seats: price × seats × a year's
        // seconds passes 2^63 (it trapped before the report summed in 128 bits).
        var expected = Int128(0)
        for index in 0..<20 {
            var sale = channel.sale("big \(index)", seats: 4)
            sale.model = "subscription"
            sale.price = Price(currency: "EUR", amount: ObjectLimits.maxAmount)
            sale.exp = now + 86_400 + Int64(index)
            _ = try channel.regional.issue(sale, at: now)
            expected += Int128(ObjectLimits.maxAmount) * 4 * 365 * 86_400 / (12 * Int128(86_400 + index))
        }
        try tree.syncAll(at: now + 100)
        let revenue = try #require(try channel.root.report("revenue", at: now + 200).revenue?.first)
        #expect(revenue.activeSubscriptions == 20)
        #expect(revenue.monthlyRecurring == Int64(expected))
        #expect(!revenue.saturated)
    }
}
