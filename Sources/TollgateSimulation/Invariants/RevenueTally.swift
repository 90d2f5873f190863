import TollgateCertificates
import TollgateNode

/// The customers' own tally of what they bought and paid (``Customer/purchases``) and of which
/// licenses they got activated. Once every log has reached the root, the root's revenue reports,
/// read from the logs, must show exactly this: the same sales, counted by the same rules
/// (``RecurringRevenue``), reached the root by sync instead of by hand.
struct RevenueTally {
    /// Every customer's purchases, by the agent that sold them (key id).
    private(set) var purchases: [String: [RevenueSale]] = [:]
    private(set) var licenses = 0
    private(set) var activated = 0

    init(desks: [CustomerDesk]) {
        for desk in desks {
            for customer in desk.customers where !customer.purchases.isEmpty {
                purchases[desk.agent.keyID, default: []] += customer.purchases
                licenses += 1
                if customer.activated { activated += 1 }
            }
        }
    }

    /// A tally of the given purchases, by seller; `licenses` and `activated` count customers.
    init(purchases: [String: [RevenueSale]], licenses: Int, activated: Int) {
        self.purchases = purchases
        self.licenses = licenses
        self.activated = activated
    }

    var all: [RevenueSale] { purchases.values.flatMap { $0 } }

    /// Subscriptions in force and ARR at `at` of the sales by `agent`, per currency.
    func recurring(of agent: String, at: Int64) -> [String: (subscriptions: Int, annual: Int64)] {
        Dictionary(grouping: RecurringRevenue.inForce(purchases[agent] ?? [], at: at), by: \.price.currency).mapValues { sales in
            let figures = sales.reduce(into: RecurringRevenue.Figures()) { $0.add($1) }
            return (figures.subscriptions, figures.annualRecurring)
        }
    }

    /// Where the `recurring` report's agent rows differ from the tally, for each of `agents`.
    func recurringMismatches(_ report: ChannelReport, agents: [(key: String, name: String)], at: Int64) -> [String] {
        let rows = (report.recurring ?? []).filter { $0.dimension == "agent" }
        return agents.compactMap { agent in
            let reported = rows.filter { $0.node == agent.key }.map { "\($0.currency) \($0.subscriptions) × ARR \($0.annualRecurring)" }.sorted()
            let tallied = recurring(of: agent.key, at: at).map { "\($0.key) \($0.value.subscriptions) × ARR \($0.value.annual)" }.sorted()
            return reported == tallied ? nil : "the root's ARR for \(agent.name) is \(reported), its customers' tally \(tallied)"
        }
    }

    /// Where the `retention` report differs from the tally over `from..<to`.
    func retentionMismatches(_ report: ChannelReport, from: Int64, to: Int64) -> [String] {
        let (rows, rate) = RecurringRevenue.retention(all, from: from, to: to)
        return (report.retention == rows ? [] : ["the root's revenue retention \(report.retention ?? []) differs from the customers' tally \(rows)"])
            + (report.renewalRate == rate ? [] : ["the root's renewal rate \(report.renewalRate.map { "\($0)" } ?? "none") differs from the customers' tally \(rate)"])
    }

    /// Where the `conversion` report's counts differ from the tally.
    func conversionMismatches(_ report: ChannelReport) -> [String] {
        guard report.conversion?.licenses != licenses || report.conversion?.activated != activated else { return [] }
        return ["the root counts \(report.conversion?.activated ?? 0) of \(report.conversion?.licenses ?? 0) licenses activated, the customers \(activated) of \(licenses)"]
    }
}
