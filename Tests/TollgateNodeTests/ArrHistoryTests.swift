import Testing
import TollgateCertificates
@testable import TollgateNode
import TollgateWire

/// `arr-history`: the ARR per currency in force at the end of each day, counting at each moment
/// only the licenses issued by then, by the one rule of `RecurringRevenue`.
@Suite struct ArrHistoryTests {
    static let day: Int64 = 86_400

    /// The sweep gives, at every moment, what `inForce` gives over the licenses issued by then:
    /// sales, renewals issued before or after their term began, upgrades until a renewal reprices
    /// them, add-ons, perpetual licenses and ties within one second.
    @Test func historyIsInForceOfWhatWasIssuedByEachMoment() {
        let day = Self.day
        var sales: [RevenueSale] = []
        var seed: UInt64 = 22
        func next(_ bound: Int64) -> Int64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((seed >> 33) % UInt64(bound))
        }
        for customer in 0..<60 {
            let start = next(40) * day + next(3)
            let term = [30, 90, 365][Int(next(3))] * day
            func sale(_ hash: String, amount: Int64, iat: Int64, nbf: Int64, exp: Int64, model: String = "subscription", renews: String? = nil,
                      supersedes: String? = nil, addonOf: String? = nil, currency: String = "EUR") -> RevenueSale {
                var license = License(iss: "n", cert: "c", seats: SerialRange(0, UInt64(1 + next(3))), customer: "c\(customer)", country: "DE",
                                      territory: ["DE"], product: "p", features: [], model: model, price: Price(currency: currency, amount: amount),
                                      iat: iat, nbf: nbf, exp: exp, logIndex: 0, jti: hash, renews: renews)
                license.supersedes = supersedes
                license.addonOf = addonOf
                var sale = RevenueSale(license, hash: hash, lineage: supersedes != nil || addonOf != nil ? hash : (renews ?? hash), node: "n",
                                       index: UInt64(next(4)))
                if supersedes != nil { sale.changes = renews }
                return sale
            }
            let base = "b\(customer)", currency = customer % 3 == 0 ? "CHF" : "EUR"
            sales.append(sale(base, amount: 10_000 + next(90_000), iat: start, nbf: start, exp: start + term, currency: currency))
            if next(2) == 0 {  // renewed, sometimes late
                let at = start + term - day + next(3) * day
                sales.append(sale("r\(customer)", amount: 20_000, iat: at, nbf: start + term, exp: start + 2 * term, renews: base, currency: currency))
            }
            if next(3) == 0 {
                let at = start + next(20) * day
                sales.append(sale("u\(customer)", amount: 5_000, iat: at, nbf: at, exp: start + term, renews: base, supersedes: base, currency: currency))
            }
            if next(4) == 0 {
                sales.append(sale("a\(customer)", amount: 3_000, iat: start, nbf: start, exp: start + 3 * term, addonOf: base, currency: currency))
            }
            if next(4) == 0 { sales.append(sale("p\(customer)", amount: 50_000, iat: start, nbf: start, exp: start + term, model: "perpetual")) }
        }
        let moments = (0..<120).map { Int64($0) * day + day - 1 } + [200 * day, 400 * day, 900 * day]
        let history = RecurringRevenue.history(sales, at: moments)
        #expect(history.count == moments.count)
        for (moment, totals) in zip(moments, history) {
            let expected = Dictionary(grouping: RecurringRevenue.inForce(sales.filter { $0.iat <= moment }, at: moment), by: \.price.currency)
                .mapValues { $0.reduce(into: RecurringRevenue.Figures()) { $0.add($1) } }
            #expect(totals.mapValues(\.annualRecurring) == expected.mapValues(\.annualRecurring), "at \(moment)")
            #expect(totals.mapValues(\.monthlyRecurring) == expected.mapValues(\.monthlyRecurring), "at \(moment)")
            #expect(totals.mapValues(\.subscriptions) == expected.mapValues(\.subscriptions), "at \(moment)")
        }
        #expect(history.contains { ($0["CHF"]?.subscriptions ?? 0) > 0 } && history.contains { ($0["EUR"]?.subscriptions ?? 0) > 0 })
    }

    @Test func theReportCountsEachDayOnlyWhatWasSoldByItsEnd() throws {
        let wide = try ChannelReportTests.Wide()
        let channel = wide.channel, now = channel.now, day = Self.day
        try wide.syncAll(at: now)
        // A subscription sold today, one in CHF sold two days later, and a renewal of the first
        // sold on day 3 for a term starting at once: day 0 must not see the later sales.
        let first = try channel.regional.issue(RenewalReportTests.subscription(channel, "First", term: 365 * day, amount: 365_000, from: now), at: now)
        _ = try channel.regional.issue(RenewalReportTests.subscription(channel, "Second", term: 365 * day, amount: 730_000, currency: "CHF",
                                                                        from: now + 2 * day), at: now + 2 * day)
        _ = try channel.regional.renew(licenseHash: try SignedLicense(compact: first.license).hash, exp: now + 3 * day + 365 * day, at: now + 3 * day)
        _ = try channel.regional.issue(channel.sale("Perpetual"), at: now + 3 * day)
        try wide.syncAll(at: now + 4 * day)

        let today = ChannelView.day(of: now)
        let report = try channel.root.report("arr-history", query: ReportQuery(from: today * day, days: 5), at: now + 4 * day + 60)
        #expect(report.window == .init(from: today * day, to: (today + 5) * day))
        let rows = try #require(report.arrHistory)
        #expect(rows.map(\.currency) == Array(repeating: ["CHF", "EUR"], count: 5).flatMap { $0 }, "every currency on every day")
        let asked = now + 4 * day + 60
        let days: [String] = (0..<Int64(5)).flatMap { (offset: Int64) -> [String] in
            let text = String(TimeText.iso((today + offset) * day).prefix(10))
            return [text, text]
        }
        let moments: [Int64] = (0..<Int64(5)).flatMap { (offset: Int64) -> [Int64] in
            let end: Int64 = min((today + offset + 1) * day - 1, asked)
            return [end, end]
        }
        #expect(rows.map(\.day) == days)
        #expect(rows.map(\.at) == moments, "each day's last second, and the report's time for today")
        let chf = rows.filter { $0.currency == "CHF" }, eur = rows.filter { $0.currency == "EUR" }
        #expect(chf.map(\.subscriptions) == [0, 0, 1, 1, 1], "the CHF sale counts from the day it was sold")
        #expect(chf.map(\.annualRecurring) == [0, 0, 730_000, 730_000, 730_000])
        #expect(eur.map(\.subscriptions) == [1, 1, 1, 1, 1], "a renewal continues its lineage: one subscription")
        #expect(eur[0].annualRecurring == 365_000 && eur[2].annualRecurring == 365_000)
        // From day 3 the renewal prices the lineage, at the same price over a term of 365 days plus what was left.
        #expect(eur[3].annualRecurring == eur[4].annualRecurring && eur[3].annualRecurring != 0)
        // The default window: the 30 days up to today.
        let recent = try #require(try channel.root.report("arr-history", at: now + 4 * day).arrHistory)
        #expect(recent.count == 60 && recent.last?.day == String(TimeText.iso((today + 4) * day).prefix(10)))
    }

    @Test func badWindowsAreRefusedWithTheirCode() throws {
        let wide = try ChannelReportTests.Wide()
        let now = wide.channel.now, day = Self.day
        for query in [ReportQuery(days: 0), ReportQuery(days: 367), ReportQuery(from: now + day, days: 1), ReportQuery(from: now - day, days: 3)] {
            #expect((try #require(throws: NodeError.self) { try wide.channel.root.report("arr-history", query: query, at: now) }).code == .invalidRequest)
        }
        #expect(try wide.channel.root.report("arr-history", query: ReportQuery(from: now - 365 * day, days: 366), at: now).window != nil)
    }
}
