import TollgateCertificates

/// Annual and monthly recurring revenue (ARR and MRR) of subscriptions, in minor units of one
/// currency. The rule, stated once for every report that shows recurring money:
///
/// - Only licenses of model `subscription` recur. Perpetual licenses (and trials, and any other
///   model) are one-off revenue, whatever they cost, and count in no recurring figure.
/// - A subscription and its renewals are one lineage and count once, by the latest license of the
///   lineage (latest `iat`, then the later log position), and only while that license is in force
///   at the time asked: `nbf ≤ at < exp`. A subscription without an end has no period to normalise
///   and does not count.
/// - A license's price is per seat for its term, `exp - nbf`. Normalised to a year of 365 days:
///   ARR = price × seats × 365 days / term, and MRR = ARR / 12 (computed from the same numerator,
///   price × seats × 365 days / (12 × term)). A 365-day term at 1,200.00 is ARR 1,200.00 and MRR
///   100.00; a 30-day term at 100.00 is MRR 101.38.
/// - Each subscription's figures are truncated to whole minor units, then summed per currency and
///   group, never across currencies. Prices, seats and times are bounded where they are decoded
///   (``ObjectLimits``), so each figure fits 128 bits; sums saturate instead of trapping, and a sum
///   beyond what 64 bits hold is reported at `Int64.max` with `saturated` set.
public enum RecurringRevenue {
    static let year: Int128 = 365 * 86_400

    /// One group's figures (a currency, or a region, agent or product in one currency).
    public struct Figures: Sendable {
        public var subscriptions = 0
        var monthly: Int128 = 0
        var annual: Int128 = 0

        public init() {}

        public mutating func add(_ sale: RevenueSale) {
            let (monthly, annual) = RecurringRevenue.figures(of: sale)
            add(monthly: monthly, annual: annual)
        }

        /// Adds one subscription whose ``RecurringRevenue/figures(of:)`` are known.
        mutating func add(monthly: Int128, annual: Int128) {
            subscriptions += 1
            self.monthly = RecurringRevenue.sum(self.monthly, monthly)
            self.annual = RecurringRevenue.sum(self.annual, annual)
        }

        public var saturated: Bool { monthly > Int128(Int64.max) || annual > Int128(Int64.max) }
        public var monthlyRecurring: Int64 { Int64(clamping: monthly) }
        public var annualRecurring: Int64 { Int64(clamping: annual) }
    }

    /// The subscriptions in force at `at`: one per lineage (its latest license), and each upgrade
    /// or downgrade of one until a later license of its lineage reprices it.
    public static func inForce(_ sales: [RevenueSale], at: Int64) -> [RevenueSale] {
        let latest = latest(of: sales.filter { $0.model == "subscription" })
        let repriced = Dictionary(latest.filter { $0.changes == nil }.map { ($0.lineage, ($0.iat, $0.index)) }, uniquingKeysWith: { $0 < $1 ? $1 : $0 })
        return latest.filter { sale in
            guard sale.exp.map({ sale.nbf <= at && at < $0 }) ?? false else { return false }
            return sale.changes.flatMap { repriced[$0] }.map { $0 < (sale.iat, sale.index) } ?? true
        }
    }

    /// The latest license of each lineage (latest `iat`, then the later log position).
    public static func latest(of sales: [RevenueSale]) -> [RevenueSale] {
        Dictionary(grouping: sales, by: \.lineage).values.compactMap { lineage in
            lineage.max { ($0.iat, $0.index) < ($1.iat, $1.index) }
        }
    }

    /// One subscription's MRR and ARR; zero for a license the rule does not count.
    public static func figures(of sale: RevenueSale) -> (monthly: Int128, annual: Int128) {
        guard sale.model == "subscription", let exp = sale.exp, exp > sale.nbf else { return (0, 0) }
        let term = Int128(exp) - Int128(sale.nbf)
        let numerator = Int128(sale.price.amount) * Int128(sale.seats) * year
        return (numerator / (12 * term), numerator / term)
    }

    /// Net and gross revenue retention per currency over `from..<to`, and the renewal rate of the
    /// terms that ended in it. Each customer's ARR at a time is the sum over their subscriptions
    /// in force then, from the licenses issued by then; the cohort is the customers with ARR at
    /// `from`. Net counts all their ARR at `to` (upgrades and new subscriptions included); gross
    /// caps each customer at their ARR at `from`.
    public static func retention(_ sales: [RevenueSale], from: Int64, to: Int64) -> (rows: [ChannelReport.RetentionRow], rate: ChannelReport.RenewalRate) {
        struct Account: Hashable { var customer: String; var currency: String }
        func arr(at time: Int64) -> [Account: Int128] {
            var totals: [Account: Int128] = [:]
            for sale in inForce(sales.filter { $0.iat <= time }, at: time) {
                let account = Account(customer: sale.customer, currency: sale.price.currency)
                totals[account] = sum(totals[account] ?? 0, figures(of: sale).annual)
            }
            return totals
        }
        let starting = arr(at: from).filter { $0.value > 0 }, ending = arr(at: to)
        var rows: [ChannelReport.RetentionRow] = []
        for (currency, accounts) in Dictionary(grouping: starting, by: \.key.currency) {
            var start: Int128 = 0, end: Int128 = 0, retained: Int128 = 0, expansion: Int128 = 0, contraction: Int128 = 0, churn: Int128 = 0
            var churned = 0
            for (account, before) in accounts {
                let after = ending[account] ?? 0
                start = sum(start, before)
                end = sum(end, after)
                retained = sum(retained, min(before, after))
                if after == 0 {
                    churned += 1
                    churn = sum(churn, before)
                } else if after > before {
                    expansion = sum(expansion, after - before)
                } else {
                    contraction = sum(contraction, before - after)
                }
            }
            rows.append(.init(currency: currency, customers: accounts.count, churnedCustomers: churned,
                              startingRecurring: Int64(clamping: start), endingRecurring: Int64(clamping: end),
                              retainedRecurring: Int64(clamping: retained), expansion: Int64(clamping: expansion),
                              contraction: Int64(clamping: contraction), churn: Int64(clamping: churn),
                              netRetentionBasisPoints: Int64(clamping: end * 10_000 / start),
                              grossRetentionBasisPoints: Int64(clamping: retained * 10_000 / start),
                              saturated: [start, end].contains { $0 > Int128(Int64.max) }))
        }
        rows.sort { $0.currency < $1.currency }

        var due = 0, renewed = 0, pending = 0
        let known = sales.filter { $0.model == "subscription" && $0.iat <= to }
        for lineage in Dictionary(grouping: known, by: \.lineage).values {
            for sale in lineage {
                guard let exp = sale.exp, let graceEnds = sale.graceEnds, from <= exp, exp < to else { continue }
                let next = lineage.contains { other in other.hash != sale.hash && other.nbf <= graceEnds && (other.exp.map { $0 > exp } ?? true) }
                if next { due += 1; renewed += 1 } else if graceEnds > to { pending += 1 } else { due += 1 }
            }
        }
        return (rows, .init(due: due, renewed: renewed, pending: pending, basisPoints: due == 0 ? nil : Int64(renewed) * 10_000 / Int64(due)))
    }

    static func sum(_ left: Int128, _ right: Int128) -> Int128 {
        let (total, overflow) = left.addingReportingOverflow(right)
        return overflow ? (right > 0 ? .max : .min) : total
    }
}
