import Testing
import TollgateCertificates
@testable import TollgateNode
import TollgateWire

/// Renewal risk, the scheduled-renewal forecast and revenue retention at the root, from the
/// regional agent's synced sales: each state of risk, each due date in its month, and retention's
/// expansion, contraction and churn per currency, by the one ARR rule of `RecurringRevenue`.
@Suite struct RenewalReportTests {
    static let day: Int64 = 86_400

    /// A subscription sold at the regional agent from `now` for `term`, with `graceDays` of grace.
    static func subscription(_ channel: Channel, _ customer: String, term: Int64, amount: Int64 = 100_000, currency: String = "EUR",
                             seats: UInt64 = 1, graceDays: Int64? = nil, from start: Int64) -> LicenseRequest {
        var sale = channel.sale(customer, seats: seats)
        sale.model = "subscription"
        sale.price = Price(currency: currency, amount: amount)
        sale.nbf = start
        sale.exp = start + term
        sale.expiry = graceDays.map { ExpiryBehaviour(warnDays: 0, graceDays: $0, ending: .lock) }
        return sale
    }

    @Test func renewalRiskListsExpiringGraceAndLapsedButNotRenewed() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, day = Self.day
        let regional = channel.regional
        try wide.syncAll(at: now)
        _ = try regional.issue(Self.subscription(channel, "Soon", term: 115 * day, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Grace", term: 95 * day, graceDays: 14, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Lapsed", term: 85 * day, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Long Ago", term: 10 * day, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Later", term: 300 * day, from: now), at: now)
        _ = try regional.issue(channel.sale("Perpetual"), at: now)
        let renewed = try SignedLicense(compact: try regional.issue(Self.subscription(channel, "Renewed", term: 115 * day, from: now), at: now).license)
        _ = try regional.renew(licenseHash: renewed.hash, exp: now + 480 * day, at: now + 1)
        try wide.syncAll(at: now + 2)

        let at = now + 100 * day
        let report = try channel.root.report("renewals", query: .init(at: at, days: 30), at: now + 3)
        #expect(report.window == .init(from: at, to: at + 30 * day))
        let rows = try #require(report.renewalRisk)
        #expect(rows.map(\.customer) == ["Soon", "Grace", "Lapsed"], "renewed, later, long-lapsed and perpetual sales are at no risk now")
        #expect(rows.map(\.state) == ["expiring", "grace", "lapsed"])
        #expect(rows.map(\.daysLeft) == [15, 9, -15])
        #expect(rows[1].graceEnds == now + 109 * day)
        #expect(rows.allSatisfy { $0.name == "ra" && $0.currency == "EUR" })
        let soon = try #require(try regional.issuedLicenses().first { $0.payload.customer == "Soon" })
        #expect(rows[0].license == soon.hash)
        #expect(rows[0].annualRecurring == Int64(RecurringRevenue.figures(of: RevenueSale(soon, node: "ra", index: 0)).annual))
        #expect(report.renewalRiskTotals?.map(\.state) == ["expiring", "grace", "lapsed"])
        #expect(report.renewalRiskTotals?.first?.annualRecurring == rows[0].annualRecurring)

        // A wider window reaches the license that lapsed long ago and the one ending later.
        let wide300 = try channel.root.report("renewals", query: .init(at: at, days: 300), at: now + 3).renewalRisk?.map(\.customer)
        #expect(wide300 == ["Soon", "Later", "Grace", "Long Ago", "Lapsed"], "within a state, by end")
        // Before the sales were made, nothing was at risk: a report at a past time reads only what was sold by then.
        #expect(try channel.root.report("renewals", query: .init(at: now - 1), at: now + 3).renewalRisk == [])
    }

    @Test func forecastPutsEachScheduledRenewalInItsMonthPerCurrency() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, day = Self.day
        try wide.syncAll(at: now)
        _ = try channel.regional.issue(Self.subscription(channel, "Monthly", term: 30 * day, amount: 10_000, seats: 2, from: now), at: now)
        _ = try channel.regional.issue(Self.subscription(channel, "Yearly", term: 365 * day, amount: 99_000, currency: "CHF", from: now), at: now)
        _ = try channel.regional.issue(channel.sale("Perpetual"), at: now)
        try wide.syncAll(at: now + 1)

        let at = now + 10 * day
        let rows = try #require(try channel.root.report("forecast", query: .init(at: at, days: 90), at: now + 2).forecast)
        // Monthly renews at +30, +60 and +90 days (all before +100), each 2 seats × 100.00; the yearly one not within 90 days.
        var expected: [String: Int] = [:]
        for due in [30, 60, 90].map({ now + $0 * day }) { expected[TimeText.month(due), default: 0] += 1 }
        #expect(Dictionary(uniqueKeysWithValues: rows.map { ($0.month, $0.renewals) }) == expected)
        #expect(rows.allSatisfy { $0.currency == "EUR" && $0.amount == Int64($0.renewals) * 20_000 })
        #expect(rows.map(\.month) == rows.map(\.month).sorted())

        // Over a year the CHF renewal appears in its own row, never summed with EUR.
        let year = try #require(try channel.root.report("forecast", query: .init(at: at), at: now + 2).forecast)
        #expect(year.filter { $0.currency == "CHF" }.map(\.amount) == [99_000])
        #expect(year.filter { $0.currency == "CHF" }.map(\.month) == [TimeText.month(now + 365 * day)])
        #expect(year.filter { $0.currency == "EUR" }.map(\.renewals).reduce(0, +) == 12, "due at +30 … +360 days, before +375")
    }

    @Test func multiplesCountsDueDatesInAMonthWithoutListingThem() {
        #expect(ChannelView.multiples(of: 10, from: 5, in: 0..<5) == 0)
        #expect(ChannelView.multiples(of: 10, from: 5, in: 5..<6) == 1)
        #expect(ChannelView.multiples(of: 10, from: 5, in: 5..<16) == 2)
        #expect(ChannelView.multiples(of: 10, from: 5, in: 6..<15) == 0)
        #expect(ChannelView.multiples(of: 10, from: 5, in: 6..<16) == 1)
        #expect(ChannelView.multiples(of: 1, from: 0, in: 0..<3_153_600_000) == 3_153_600_000, "a one-second term over a century, counted not listed")
    }

    @Test func retentionCountsExpansionContractionAndChurnPerCurrency() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, day = Self.day, regional = channel.regional
        try wide.syncAll(at: now)
        let year = 365 * day
        _ = try regional.issue(Self.subscription(channel, "Keep", term: year, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Grow", term: year, from: now), at: now)
        _ = try regional.issue(Self.subscription(channel, "Churn", term: 100 * day, from: now), at: now)
        let shrink = try SignedLicense(compact: try regional.issue(Self.subscription(channel, "Shrink", term: year, amount: 200_000, from: now), at: now).license)
        _ = try regional.issue(Self.subscription(channel, "Pending", term: 195 * day, currency: "CHF", graceDays: 14, from: now), at: now)
        try wide.syncAll(at: now + 50 * day)
        _ = try regional.issue(Self.subscription(channel, "New", term: year, from: now + 50 * day), at: now + 50 * day)
        try wide.syncAll(at: now + 150 * day)
        _ = try regional.issue(Self.subscription(channel, "Grow", term: year, amount: 50_000, from: now + 150 * day), at: now + 150 * day)
        _ = try regional.renew(licenseHash: shrink.hash, exp: now + 150 * day + year, price: Price(currency: "EUR", amount: 50_000), at: now + 150 * day)
        try wide.syncAll(at: now + 151 * day)

        let report = try channel.root.report("retention", query: .init(at: now + 200 * day, from: now + day), at: now + 201 * day)
        #expect(report.window == .init(from: now + day, to: now + 200 * day))
        let rows = try #require(report.retention)
        #expect(rows.map(\.currency) == ["CHF", "EUR"])
        let eur = rows[1], chf = rows[0]
        // EUR cohort: Keep 1,000.00, Grow 1,000.00, Churn (ARR of a 100-day term), Shrink 2,000.00; New joined after the start.
        let churnARR = Int64(100_000) * 365 / 100
        #expect(eur.customers == 4 && eur.churnedCustomers == 1)
        #expect(eur.startingRecurring == 100_000 + 100_000 + churnARR + 200_000)
        #expect(eur.endingRecurring == 100_000 + 150_000 + 50_000)
        #expect(eur.expansion == 50_000 && eur.contraction == 150_000 && eur.churn == churnARR)
        #expect(eur.retainedRecurring == 100_000 + 100_000 + 50_000)
        #expect(eur.netRetentionBasisPoints == Int64(300_000) * 10_000 / eur.startingRecurring)
        #expect(eur.grossRetentionBasisPoints == Int64(250_000) * 10_000 / eur.startingRecurring)
        #expect(chf.customers == 1 && chf.churn == chf.startingRecurring && chf.netRetentionBasisPoints == 0)
        // Terms ended in the window: Churn's, not renewed (Shrink's first term ends after it);
        // Pending's ended too, but its grace runs past the window's end.
        #expect(report.renewalRate == .init(due: 1, renewed: 0, pending: 1, basisPoints: 0))
    }

    /// An upgrade's price is the difference: it adds its own ARR to the lineage's until the
    /// lineage's next license (a renewal at the new price) reprices the whole; an add-on is a
    /// stream of its own.
    @Test func anUpgradeAddsItsDifferenceUntilARenewalRepricesTheLineage() {
        let year: Int64 = 365 * Self.day
        func sale(_ hash: String, amount: Int64, iat: Int64, nbf: Int64, exp: Int64, renews: String? = nil, supersedes: String? = nil,
                  addonOf: String? = nil) -> RevenueSale {
            var license = License(iss: "n", cert: "c", seats: SerialRange(0, 1), customer: "x", country: "DE", territory: ["DE"], product: "p",
                                  features: [], model: "subscription", price: Price(currency: "EUR", amount: amount), iat: iat, nbf: nbf,
                                  exp: exp, logIndex: 0, jti: hash, renews: renews)
            license.supersedes = supersedes
            license.addonOf = addonOf
            var sale = RevenueSale(license, hash: hash, lineage: supersedes != nil || addonOf != nil ? hash : (renews ?? hash), node: "n", index: UInt64(iat))
            if supersedes != nil { sale.changes = renews }
            return sale
        }
        let base = sale("b", amount: 100_000, iat: 0, nbf: 0, exp: year)
        let upgrade = sale("u", amount: 50_000, iat: year / 2, nbf: year / 2, exp: year, renews: "b", supersedes: "b")
        let addon = sale("a", amount: 10_000, iat: year / 2, nbf: year / 2, exp: year / 2 + year, addonOf: "b")
        let renewal = sale("r", amount: 150_000, iat: year - 10, nbf: year - 10, exp: 2 * year, renews: "b")
        func arr(_ sales: [RevenueSale], at: Int64) -> Int64 {
            RecurringRevenue.inForce(sales, at: at).reduce(into: RecurringRevenue.Figures()) { $0.add($1) }.annualRecurring
        }
        #expect(arr([base, upgrade, addon], at: year / 2 + 1) == 100_000 + 100_000 + 10_000, "half a year's difference of 500.00 is 1,000.00 a year")
        #expect(arr([base, upgrade, addon, renewal], at: year - 5) == Int64(150_000) * year / (year + 10) + 10_000, "the renewal reprices; the upgrade stops")
    }

    @Test func badWindowsAreRefusedWithTheirName() throws {
        let wide = try ChannelReportTests.Wide()
        let now = wide.channel.now
        for query in [ReportQuery(days: 0), ReportQuery(days: ReportQuery.maxDays + 1), ReportQuery(at: now, from: now),
                      ReportQuery(from: -1)] {
            #expect(throws: NodeError.self) { try wide.channel.root.report("retention", query: query, at: now) }
        }
        #expect(throws: NodeError.self) { try ReportQuery(items: { $0 == "days" ? "ten" : nil }) }
        let parsed = try ReportQuery(items: { ["customer": "x", "at": "5", "from": "1", "days": "7"][$0] })
        #expect(parsed == ReportQuery(customer: "x", at: 5, from: 1, days: 7))
        #expect(parsed.items.map(\.0) == ["customer", "at", "from", "days"])
    }
}
