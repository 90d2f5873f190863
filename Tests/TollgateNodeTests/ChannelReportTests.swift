import Foundation
import Testing
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
@testable import TollgateNode
import TollgateTestSupport
import TollgateWire

/// The vendor's reports: what each says it reflects (as of which checkpoint of each node's log),
/// rows in channel-tree order, the platform each activation carries, a customer's history in log
/// order, and money per currency with ARR and MRR by the one rule of `RecurringRevenue`.
@Suite struct ChannelReportTests {
    /// root → ga → ra, with root children `ab` and `zz` around `ga` so that tree order (depth
    /// first, children by name) differs from by-name, breadth-first and key-id order alike.
    struct Wide {
        let channel: Channel
        let regionalLink: SyncLink
        let generalLink: SyncLink
        let others: [LicensingNode]

        init() throws {
            channel = try Channel()
            try channel.wire(priceFloor: ["EUR": 1_000, "CHF": 1_000])
            regionalLink = SyncLink(child: channel.regional, parent: channel.general)
            generalLink = SyncLink(child: channel.general, parent: channel.root)
            var others: [LicensingNode] = []
            for name in ["zz", "ab"] {
                let node = LicensingNode(identity: NodeIdentity(name: name, key: try Ed25519PrivateKey(), anchor: channel.anchor),
                                         store: try NodeStore(database: SQLiteDatabase(path: ":memory:")))
                var request = channel.request(to: node, count: 10)
                request.countries = ["DE"]
                request.products = ["cad": []]
                request.models = ["perpetual"]
                request.priceFloor = ["EUR": 1_000]
                request.nbf = channel.now - 86_400
                try node.accept(chain: channel.root.delegate(request, at: channel.now).chain, at: channel.now)
                others.append(node)
            }
            self.others = others
        }

        func syncAll(at now: Int64) throws {
            try regionalLink.sync(at: now)
            try generalLink.sync(at: now)
            for node in others { try SyncLink(child: node, parent: channel.root).sync(at: now) }
        }

        func activate(_ license: String, platform: String = "linux-x86_64", at now: Int64) throws {
            let machine = try TestMachine(platform: platform)
            _ = try channel.regional.handleMachineRequest(try machine.request(.activate, license: license, at: now), at: now)
        }
    }

    /// The reproduction of issue 22: right after a sale and an activation at the regional agent,
    /// the root's quota report shows 0 activations for it, and now says that this is the view of
    /// an earlier checkpoint of the regional's log, not a fact; after the sync it counts them.
    @Test func asOfSaysThatTheRootsViewOfARegionalLagsItsSale() throws {
        let wide = try Wide()
        let now = wide.channel.now
        try wide.syncAll(at: now)
        let file = try wide.channel.regional.issue(wide.channel.sale("Muster GmbH"), at: now + 10)
        try wide.activate(try SignedLicense(compact: file.license).hash, at: now + 10)
        let regionalID = wide.channel.regional.identity.keyID
        let regionalSize = try wide.channel.regional.logSize()

        let before = try wide.channel.root.report("quota", at: now + 20)
        #expect(before.quota?.first { $0.node == regionalID }?.activated == 0)
        let lagging = try #require(before.asOf.first { $0.node == regionalID })
        #expect(lagging.partial)
        #expect(lagging.logSize < regionalSize)
        #expect(lagging.checkpointAt.map { $0 <= now } == true, "the view is as of the sync before the sale: \(lagging)")
        #expect(lagging.ageSeconds.map { $0 >= 20 } == true)
        let own = try #require(before.asOf.first)
        #expect(own.node == wide.channel.root.identity.keyID && !own.partial && own.checkpointAt == now + 20)

        try wide.syncAll(at: now + 30)
        let after = try wide.channel.root.report("quota", at: now + 40)
        #expect(after.quota?.first { $0.node == regionalID }?.activated == 1)
        #expect(after.quota?.first { $0.node == regionalID }?.issued == 1)
        let current = try #require(after.asOf.first { $0.node == regionalID })
        #expect(current.logSize == regionalSize)
        #expect(current.checkpointAt == now + 30)
        // Every report says what it reflects, not only the quota.
        for name in ChannelReport.names where name != "customer" {
            #expect(try wide.channel.root.report(name, at: now + 40).asOf.map(\.logSize) == after.asOf.map(\.logSize))
        }
    }

    @Test func nodeRowsFollowTheChannelTree() throws {
        let wide = try Wide()
        try wide.syncAll(at: wide.channel.now)
        let expected = ["root", "ab", "ga", "ra", "zz"]
        let quota = try wide.channel.root.report("quota", at: wide.channel.now + 1)
        #expect(quota.quota?.map(\.name) == expected)
        #expect(quota.asOf.map(\.name) == expected)
        #expect(quota.asOf.map(\.depth) == [0, 1, 1, 2, 1])
        #expect(try wide.channel.root.report("freshness", at: wide.channel.now + 1).freshness?.map(\.name) == ["ab", "ga", "ra", "zz"])
        // An agent's report covers its own subtree, itself first.
        #expect(try wide.channel.general.report("quota", at: wide.channel.now + 1).quota?.map(\.name) == ["ga", "ra"])
    }

    @Test func platformsAreTheOnesTheActivationsCarry() throws {
        let wide = try Wide()
        let now = wide.channel.now
        let file = try wide.channel.regional.issue(wide.channel.sale("three machines", seats: 3), at: now)
        let license = try SignedLicense(compact: file.license).hash
        try wide.activate(license, platform: "windows-x86_64", at: now)
        try wide.activate(license, platform: "darwin-arm64", at: now)
        try wide.activate(license, platform: "windows-x86_64", at: now)
        try wide.syncAll(at: now + 10)
        let platforms = try wide.channel.root.report("activations", at: now + 20).activationsByPlatform
        #expect(platforms == [.init(key: "windows-x86_64", count: 2), .init(key: "darwin-arm64", count: 1)])
    }

    /// A license issued and activated in the same second: its log holds the license first, and
    /// so does the history (sorting by time, then by the event's text, put "activated" first).
    @Test func historyFollowsLogOrderWithinOneSecond() throws {
        let wide = try Wide()
        let now = wide.channel.now
        let file = try wide.channel.regional.issue(wide.channel.sale("Same Second AG"), at: now)
        try wide.activate(try SignedLicense(compact: file.license).hash, at: now)
        let history = try #require(try wide.channel.regional.report("customer", query: .init(customer: "same second ag"), at: now).history)
        #expect(history.map(\.event) == ["license issued", "activated"])
        #expect(history[0].logIndex < history[1].logIndex)
        try wide.syncAll(at: now + 1)
        #expect(try wide.channel.root.report("customer", query: .init(customer: "Same Second AG"), at: now + 2).history?.map(\.event) == ["license issued", "activated"])
    }

    /// Subscriptions in EUR and CHF are never summed together; a perpetual license is not
    /// recurring; a renewal counts once; `at` picks what is in force then.
    @Test func recurringRevenueByRegionAgentAndProductPerCurrency() throws {
        let wide = try Wide()
        let now = wide.channel.now
        let year: Int64 = 365 * 86_400
        func subscription(_ customer: String, _ currency: String, amount: Int64, seats: UInt64 = 1, country: String = "DE",
                          term: Int64 = 365 * 86_400, from start: Int64 = 1_780_000_000) -> LicenseRequest {
            var sale = wide.channel.sale(customer, seats: seats)
            sale.model = "subscription"
            sale.country = country
            sale.price = Price(currency: currency, amount: amount)
            sale.nbf = start
            sale.exp = start + term
            return sale
        }
        _ = try wide.channel.regional.issue(subscription("a", "EUR", amount: 120_000, seats: 2), at: now)            // ARR 240,000
        _ = try wide.channel.regional.issue(subscription("b", "CHF", amount: 60_000, country: "AT"), at: now)        // ARR 60,000
        _ = try wide.channel.general.issue(subscription("c", "EUR", amount: 10_000, term: 30 * 86_400), at: now)     // ARR 121,666
        let renewed = try wide.channel.general.issue(subscription("d", "EUR", amount: 12_000, term: 86_400), at: now)
        _ = try wide.channel.regional.issue(wide.channel.sale("perpetual"), at: now)
        let original = try SignedLicense(compact: renewed.license)
        _ = try wide.channel.general.renew(licenseHash: original.hash, exp: now + year, at: now + 100)
        try wide.syncAll(at: now + 200)

        let report = try wide.channel.root.report("recurring", query: .init(at: now + 300), at: now + 300)
        #expect(report.recurringAt == now + 300)
        let rows = try #require(report.recurring)
        func row(_ dimension: String, _ key: String, _ currency: String) -> ChannelReport.RecurringRow? {
            rows.first { $0.dimension == dimension && $0.key == key && $0.currency == currency }
        }
        let monthTerm = Int64(10_000) * year / (30 * 86_400)
        let dRenewed = RecurringRevenue.figures(of: RevenueSale(try #require(try wide.channel.general.issuedLicenses().first { $0.payload.renews == original.hash }), node: "ga", index: 0))
        #expect(row("region", "DE", "EUR")?.annualRecurring == 240_000 + monthTerm + Int64(dRenewed.annual))
        #expect(row("region", "DE", "EUR")?.subscriptions == 3)
        #expect(row("region", "AT", "CHF")?.annualRecurring == 60_000)
        #expect(row("region", "AT", "CHF")?.monthlyRecurring == 5_000)
        #expect(row("agent", "ra", "EUR")?.annualRecurring == 240_000)
        #expect(row("agent", "ra", "EUR")?.monthlyRecurring == 20_000)
        #expect(row("agent", "ga", "EUR")?.subscriptions == 2, "a renewal and its original are one subscription")
        #expect(row("product", "cad", "EUR")?.subscriptions == 3)
        #expect(row("product", "cad", "CHF")?.subscriptions == 1)
        #expect(!rows.contains { $0.currency != "EUR" && $0.currency != "CHF" })
        // Agents in tree order: ga before ra.
        #expect(rows.filter { $0.dimension == "agent" }.map(\.key) == ["ga", "ra", "ra"])
        // Totals per currency, never across them.
        let revenue = try #require(try wide.channel.root.report("revenue", at: now + 300).revenue)
        #expect(revenue.map(\.currency) == ["CHF", "EUR"])
        #expect(revenue.first { $0.currency == "CHF" }?.annualRecurring == 60_000)

        // A year and a day later nothing is in force; before the terms started, nothing either.
        #expect(try wide.channel.root.report("recurring", query: .init(at: now + 2 * year), at: now + 300).recurring == [])
        #expect(try wide.channel.root.report("recurring", query: .init(at: now - 1), at: now + 300).recurring == [])
        // A time beyond the objects' limits is refused with a clear error.
        #expect(throws: NodeError.self) { try wide.channel.root.report("recurring", query: .init(at: Int64.max), at: now) }
    }

    @Test func recurringRuleNormalisesTermsAndSkipsWhatDoesNotRecur() throws {
        var license = License(iss: "n", cert: "c", seats: SerialRange(0, 3), customer: "x", country: "DE", territory: ["DE"], product: "p",
                              features: [], model: "subscription", price: Price(currency: "EUR", amount: 120_000), iat: 0, nbf: 0,
                              exp: 365 * 86_400, logIndex: 1, jti: "j")
        #expect(RecurringRevenue.figures(of: RevenueSale(license, hash: "h", lineage: "h", node: "n", index: 0)) == (30_000, 360_000))
        license.exp = 30 * 86_400
        license.price.amount = 10_000
        license.seats = SerialRange(0, 1)
        #expect(RecurringRevenue.figures(of: RevenueSale(license, hash: "h", lineage: "h", node: "n", index: 0)) == (10_138, 121_666))
        license.model = "perpetual"
        #expect(RecurringRevenue.figures(of: RevenueSale(license, hash: "h", lineage: "h", node: "n", index: 0)) == (0, 0))
        license.model = "subscription"
        license.exp = nil
        #expect(RecurringRevenue.figures(of: RevenueSale(license, hash: "h", lineage: "h", node: "n", index: 0)) == (0, 0))
        #expect(RecurringRevenue.sum(.max, 1) == .max)
    }
}
