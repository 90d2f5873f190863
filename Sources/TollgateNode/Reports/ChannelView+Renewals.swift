import TollgateCertificates

/// Renewal risk and the scheduled-renewal forecast: the back office's view of subscriptions
/// ahead (retention, looking back, is ``RecurringRevenue/retention(_:from:to:)``). Every rule
/// here reads the lineages of ``RecurringRevenue`` (a subscription and its renewals count once,
/// by the latest license) and its ARR, so the reports agree with `recurring` to the minor unit.
extension ChannelView {
    /// Subscriptions whose renewal is in doubt at `at`, judged by each lineage's latest license
    /// issued by then: `expiring` when it ends in `(at, at + days]`, `grace` when it ended and its
    /// grace runs past `at`, `lapsed` when its grace ended in the last `days`. A lineage renewed
    /// (its latest license runs on) is at no risk and not listed. Metered licenses in force at `at`
    /// whose machines used, in the last whole month before `at`, less than half of the month
    /// before (`usage`: units per lineage and month, chain links only) are `falling_use`.
    func renewalRisk(_ sales: [RevenueSale], usage: [String: [String: Int64]] = [:], at: Int64, days: Int64)
        -> (rows: [ChannelReport.RenewalRiskRow], totals: [ChannelReport.RenewalRiskTotal]) {
        let window = days * 86_400
        // An upgrade's end is its lineage's: the lineage's own row carries the risk.
        let known = sales.filter { $0.model == "subscription" && $0.iat <= at && $0.changes == nil }
        var rows: [ChannelReport.RenewalRiskRow] = []
        for sale in RecurringRevenue.latest(of: known) {
            guard let exp = sale.exp, let graceEnds = sale.graceEnds else { continue }
            let state: String, daysLeft: Int64
            if at < exp {
                guard exp - at <= window else { continue }
                (state, daysLeft) = ("expiring", (exp - at) / 86_400)
            } else if at < graceEnds {
                (state, daysLeft) = ("grace", (graceEnds - at) / 86_400)
            } else {
                guard at - graceEnds < window else { continue }
                (state, daysLeft) = ("lapsed", -((at - graceEnds) / 86_400))
            }
            rows.append(.init(state: state, customer: sale.customer, product: sale.product, country: sale.country, node: sale.node,
                              name: names[sale.node] ?? sale.node, license: sale.hash, exp: exp, graceEnds: graceEnds,
                              daysLeft: daysLeft, currency: sale.price.currency,
                              annualRecurring: Int64(clamping: RecurringRevenue.figures(of: sale).annual)))
        }
        rows += fallingUse(sales, usage: usage, at: at)
        let states = ["expiring", "grace", "lapsed", "falling_use"]
        func rank(_ state: String) -> Int { states.firstIndex(of: state) ?? states.count }
        rows.sort { (rank($0.state), $0.exp, $0.customer, $0.license) < (rank($1.state), $1.exp, $1.customer, $1.license) }
        struct Group: Hashable { var state: String; var currency: String }
        let totals = Dictionary(grouping: rows, by: { Group(state: $0.state, currency: $0.currency) }).map { group, items in
            let sum = items.reduce(Int128(0)) { RecurringRevenue.sum($0, Int128($1.annualRecurring)) }
            return ChannelReport.RenewalRiskTotal(state: group.state, currency: group.currency, subscriptions: items.count,
                                                  annualRecurring: Int64(clamping: sum), saturated: sum > Int128(Int64.max))
        }
        .sorted { (rank($0.state), $0.currency) < (rank($1.state), $1.currency) }
        return (rows, totals)
    }

    /// The `falling_use` rows of ``renewalRisk(_:usage:at:days:)``.
    private func fallingUse(_ sales: [RevenueSale], usage: [String: [String: Int64]], at: Int64) -> [ChannelReport.RenewalRiskRow] {
        guard !usage.isEmpty else { return [] }
        // The last whole month before `at`'s, and the one before it.
        let lastStart = TimeText.startOfMonth(of: TimeText.startOfMonth(of: at) - 1)
        let last = MonthPeriod.of(lastStart), before = MonthPeriod.of(lastStart - 1)
        let metered = sales.filter { $0.model == License.meteredModel && $0.iat <= at && $0.changes == nil }
        return RecurringRevenue.latest(of: metered).compactMap { sale in
            guard let exp = sale.exp, at < exp, let periods = usage[sale.lineage] else { return nil }
            let earlier = periods[before] ?? 0, later = periods[last] ?? 0
            guard earlier > 0, later < earlier - earlier / 2 else { return nil }
            var row = ChannelReport.RenewalRiskRow(state: "falling_use", customer: sale.customer, product: sale.product, country: sale.country,
                                                   node: sale.node, name: names[sale.node] ?? sale.node, license: sale.hash, exp: exp,
                                                   graceEnds: sale.graceEnds ?? exp, daysLeft: (exp - at) / 86_400, currency: sale.price.currency,
                                                   annualRecurring: Int64(clamping: RecurringRevenue.figures(of: sale).annual))
            (row.unitsBefore, row.unitsLast) = (earlier, later)
            return row
        }
    }

    /// Revenue of the renewals falling due in `[at, at + days)`, per calendar month and currency:
    /// each subscription in force at `at` (its lineage's latest license) renews at every multiple
    /// of its term after its end, at its price × seats. Subscriptions already past their end (in
    /// grace) are renewal risk, not schedule, and are not forecast.
    func forecast(_ sales: [RevenueSale], at: Int64, days: Int64) -> [ChannelReport.ForecastRow] {
        let end = at + days * 86_400
        struct Group: Hashable { var month: String; var currency: String }
        var renewals: [Group: (count: Int, amount: Int128)] = [:]
        // An upgrade renews with its lineage, at the price the renewal then names: the schedule
        // shows each lineage at the price of its latest license.
        for sale in RecurringRevenue.inForce(sales.filter { $0.iat <= at }, at: at) where sale.changes == nil {
            guard let exp = sale.exp, exp > sale.nbf else { continue }
            let term = exp - sale.nbf
            let amount = Int128(sale.price.amount) * Int128(sale.seats)
            // Due dates exp + k·term below `end`, counted month by month without listing them (a
            // term of a minute over a century would be millions of dates).
            var monthStart = exp
            while monthStart < end {
                let monthEnd = min(TimeText.startOfNextMonth(after: monthStart), end)
                let count = Self.multiples(of: term, from: exp, in: monthStart..<monthEnd)
                if count > 0 {
                    let group = Group(month: TimeText.month(monthStart), currency: sale.price.currency)
                    let sofar = renewals[group] ?? (0, 0)
                    let (total, overflow) = Int128(count).multipliedReportingOverflow(by: amount)
                    renewals[group] = (sofar.count + Int(clamping: count), RecurringRevenue.sum(sofar.amount, overflow ? .max : total))
                }
                monthStart = monthEnd
            }
        }
        return renewals.map { group, value in
            ChannelReport.ForecastRow(month: group.month, currency: group.currency, renewals: value.count,
                                      amount: Int64(clamping: value.amount), saturated: value.amount > Int128(Int64.max))
        }
        .sorted { ($0.month, $0.currency) < ($1.month, $1.currency) }
    }

    /// How many of `start + k·step` (k ≥ 0) fall in `range`.
    static func multiples(of step: Int64, from start: Int64, in range: Range<Int64>) -> Int64 {
        func firstAtOrAfter(_ time: Int64) -> Int64 { time <= start ? 0 : (time - start + step - 1) / step }
        return max(0, firstAtOrAfter(range.upperBound) - firstAtOrAfter(range.lowerBound))
    }
}
