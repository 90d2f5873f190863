import Testing
import TollgateCertificates
import TollgateCrypto
@testable import TollgateNode
import TollgateWire

/// Trial conversion, customer concentration and feature penetration at the root, from the
/// regional agent's synced sales, with the exact figures each rule gives.
@Suite struct CustomerMixReportTests {
    static let day: Int64 = 86_400

    func eur(_ amount: Int64) -> Price { Price(currency: "EUR", amount: amount) }

    /// Syncs the regional agent to the general one and the general one to the root.
    func syncUp(_ channel: Channel, at now: Int64) throws {
        try SyncLink(child: channel.regional, parent: channel.general).sync(at: now)
        try SyncLink(child: channel.general, parent: channel.root).sync(at: now)
    }

    @Test func trialsCountConversionsAndTheTimeToConvert() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional, now = channel.now, day = Self.day
        var hashes: [String] = []
        for customer in ["Alpha", "Beta", "Gamma"] { hashes.append(JWS.hash(of: try node.issue(channel.trial(customer), at: now).license)) }
        _ = try node.issue(channel.sale("Paid"), at: now)
        for (hash, after) in zip(hashes, [2 * day, 6 * day]) {
            _ = try node.change(licenseHash: hash, LicenseChangeRequest(kind: .convert, tier: "pro", price: eur(4_900), exp: now + 365 * day), at: now + after)
        }
        try syncUp(channel, at: now + 7 * day)

        let rows = try #require(try channel.root.report("trials", at: now + 7 * day).trials)
        // Three trials (the paid sale is none), two converted after 2 and 6 days: the upper median of two is 6 days, the mean 4.
        #expect(rows == [.init(product: "cad", trials: 3, converted: 2, conversionBasisPoints: 6_666,
                               medianSeconds: 6 * day, meanSeconds: 4 * day)])
        // Before the sync the root holds none of them.
        let fresh = try Channel()
        try fresh.wireLifecycle()
        #expect(try fresh.root.report("trials", at: fresh.now).trials == [])
    }

    @Test func concentrationRanksCustomersByARRPerCurrency() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, year = 365 * Self.day
        let regional = channel.regional
        try wide.syncAll(at: now)
        func sell(_ customer: String, _ amount: Int64, currency: String = "EUR") throws {
            _ = try regional.issue(RenewalReportTests.subscription(channel, customer, term: year, amount: amount, currency: currency, from: now), at: now)
        }
        try sell("Big", 600_000)
        try sell("Mid", 150_000)
        try sell("Mid", 150_000)
        for number in 1...10 { try sell("S" + (number < 10 ? "0" : "") + "\(number)", 10_000) }
        try sell("Swiss", 99_000, currency: "CHF")
        _ = try regional.issue(channel.sale("Perpetual"), at: now)
        try wide.syncAll(at: now + 1)

        let report = try channel.root.report("concentration", query: .init(at: now + 10), at: now + 2)
        #expect(report.recurringAt == now + 10)
        let rows = try #require(report.concentration)
        #expect(rows.map(\.currency) == ["CHF", "EUR"], "per currency, never summed")
        let eur = rows[1]
        // EUR ARR 1,000,000: Big 600,000, Mid 300,000 (two subscriptions), ten at 10,000; the perpetual sale does not recur.
        #expect(eur.customers == 12 && eur.annualRecurring == 1_000_000)
        #expect(eur.top.map(\.customer) == ["Big", "Mid", "S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"])
        #expect(eur.top.map(\.shareBasisPoints) == [6_000, 3_000] + Array(repeating: 100, count: 8))
        #expect(eur.top[1].annualRecurring == 300_000)
        #expect(eur.topOneBasisPoints == 6_000 && eur.topTenBasisPoints == 9_800)
        #expect(rows[0] == .init(currency: "CHF", customers: 1, annualRecurring: 99_000,
                                 top: [.init(customer: "Swiss", annualRecurring: 99_000, shareBasisPoints: 10_000)],
                                 topOneBasisPoints: 10_000, topTenBasisPoints: 10_000))
        // The total agrees with the recurring report to the minor unit.
        let recurring = try channel.root.report("recurring", query: .init(at: now + 10), at: now + 2).recurring ?? []
        #expect(recurring.filter { $0.dimension == "product" && $0.currency == "EUR" }.map(\.annualRecurring) == [1_000_000])
        // Before the sales, and after every term ended, no customer has ARR.
        #expect(try channel.root.report("concentration", query: .init(at: now - 1), at: now + 2).concentration == [])
        #expect(try channel.root.report("concentration", query: .init(at: now + year), at: now + 2).concentration == [])
    }

    @Test func featurePenetrationCountsActiveLicensesTiersUpgradesAndAddOns() throws {
        let channel = try Channel()
        try channel.wireLifecycle()
        let node = channel.regional, now = channel.now
        func sell(_ customer: String, tier: String, exp: Int64? = nil) throws -> String {
            var request = channel.sale(customer)
            request.tier = tier
            request.price = eur(5_000)
            if let exp {
                request.model = "subscription"
                request.exp = exp
            }
            return JWS.hash(of: try node.issue(request, at: now).license)
        }
        _ = try sell("Basic", tier: "basic")
        _ = try sell("Pro", tier: "pro")
        let upgraded = try sell("Upgraded", tier: "basic")
        let extended = try sell("Extended", tier: "basic")
        let revoked = try sell("Revoked", tier: "pro")
        _ = try sell("Ended", tier: "basic", exp: now + 50)
        _ = try node.change(licenseHash: upgraded, LicenseChangeRequest(kind: .supersede, tier: "pro", price: eur(2_000)), at: now + 5)
        _ = try node.change(licenseHash: extended, LicenseChangeRequest(kind: .addon, features: ["simulate"], price: eur(500)), at: now + 6)
        _ = try node.revoke(license: revoked, reason: "refund", at: now + 7)
        try syncUp(channel, at: now + 8)

        // At +100: Basic, Pro, Upgraded (once, as pro) and Extended (basic plus the add-on) are active;
        // the revoked one and the ended subscription are not.
        let later = try channel.root.report("features", query: .init(at: now + 100), at: now + 9)
        #expect(later.recurringAt == now + 100)
        #expect(later.features == [.init(product: "cad", feature: "export", licenses: 4, of: 4, basisPoints: 10_000),
                                   .init(product: "cad", feature: "render", licenses: 2, of: 4, basisPoints: 5_000),
                                   .init(product: "cad", feature: "simulate", licenses: 1, of: 4, basisPoints: 2_500)])
        // At +1, before the upgrade, the add-on and the revocation, six are active and two of them are pro.
        let early = try channel.root.report("features", query: .init(at: now + 1), at: now + 9)
        #expect(early.features == [.init(product: "cad", feature: "export", licenses: 6, of: 6, basisPoints: 10_000),
                                   .init(product: "cad", feature: "render", licenses: 2, of: 6, basisPoints: 3_333)])
    }
}
