import Testing
import TollgateCertificates
@testable import TollgateNode
@testable import TollgateSimulation

/// The customers' tally against the root's revenue reports: equal figures pass, and a sale the
/// root lacks, an ARR that differs, or an activation it did not count is named.
@Suite struct RevenueTallyTests {
    static let year: Int64 = 365 * 86_400

    static func sale(_ customer: String, amount: Int64, nbf: Int64 = 0, term: Int64 = year, hash: String, lineage: String? = nil,
                     iat: Int64 = 0) -> RevenueSale {
        let license = License(iss: "a", cert: "c", seats: SerialRange(0, 1), customer: customer, country: "DE", territory: ["DE"], product: "cad",
                              features: [], model: "subscription", price: Price(currency: "EUR", amount: amount), iat: iat, nbf: nbf,
                              exp: nbf + term, logIndex: 0, jti: hash)
        return RevenueSale(license, hash: hash, lineage: lineage ?? hash, node: "a", index: 0)
    }

    @Test func recurringRowsMustEqualEachHonestAgentsTally() {
        let tally = RevenueTally(purchases: ["a": [Self.sale("x", amount: 120_000, hash: "1"), Self.sale("y", amount: 60_000, hash: "2")]],
                                 licenses: 2, activated: 1)
        func report(_ rows: [ChannelReport.RecurringRow]) -> ChannelReport {
            var report = ChannelReport(name: "recurring", generatedAt: 0)
            report.recurring = rows
            return report
        }
        func row(_ annual: Int64, subscriptions: Int = 2, node: String = "a") -> ChannelReport.RecurringRow {
            .init(dimension: "agent", key: node, node: node, currency: "EUR", subscriptions: subscriptions, monthlyRecurring: annual / 12, annualRecurring: annual)
        }
        let agents = [(key: "a", name: "ra")]
        #expect(tally.recurringMismatches(report([row(180_000)]), agents: agents, at: 100).isEmpty)
        #expect(tally.recurringMismatches(report([row(179_999)]), agents: agents, at: 100).count == 1)
        #expect(tally.recurringMismatches(report([row(120_000, subscriptions: 1)]), agents: agents, at: 100).count == 1, "a sale the root lacks")
        #expect(tally.recurringMismatches(report([]), agents: agents, at: 100).first?.contains("ra") == true)
        // After the terms end nothing recurs, on either side.
        #expect(tally.recurringMismatches(report([]), agents: agents, at: Self.year).isEmpty)
        // An agent with no customers of its own must have no row either.
        #expect(tally.recurringMismatches(report([row(180_000), row(1, subscriptions: 1, node: "b")]), agents: agents + [(key: "b", name: "rb")], at: 100).count == 1)
    }

    @Test func retentionAndConversionMustEqualTheWholeChannelsTally() {
        let renewal = Self.sale("x", amount: 60_000, nbf: Self.year - 10, hash: "1r", lineage: "1", iat: Self.year - 10)
        let sales = [Self.sale("x", amount: 120_000, hash: "1"), renewal, Self.sale("y", amount: 60_000, hash: "2")]
        let tally = RevenueTally(purchases: ["a": sales], licenses: 2, activated: 2)
        let (rows, rate) = RecurringRevenue.retention(sales, from: 100, to: Self.year + 100)
        #expect(rows.first?.contraction == 60_000 && rows.first?.churn == 60_000 && rate.due == 2 && rate.renewed == 1)
        var report = ChannelReport(name: "retention", generatedAt: 0)
        report.retention = rows
        report.renewalRate = rate
        #expect(tally.retentionMismatches(report, from: 100, to: Self.year + 100).isEmpty)
        // The root missing the renewal: x churned instead of contracting, and its term was not renewed.
        let (short, shortRate) = RecurringRevenue.retention([sales[0], sales[2]], from: 100, to: Self.year + 100)
        report.retention = short
        report.renewalRate = shortRate
        #expect(tally.retentionMismatches(report, from: 100, to: Self.year + 100).count == 2)

        var conversion = ChannelReport(name: "conversion", generatedAt: 0)
        conversion.conversion = .init(licenses: 2, activated: 2, medianSeconds: nil, p90Seconds: nil, meanSeconds: nil)
        #expect(tally.conversionMismatches(conversion).isEmpty)
        conversion.conversion?.activated = 1
        #expect(tally.conversionMismatches(conversion).count == 1)
    }
}
