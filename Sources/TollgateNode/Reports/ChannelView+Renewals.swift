import TollgateCertificates

/// Renewal risk, the scheduled-renewal forecast and revenue retention: the back office's view
/// of subscriptions over time. Every rule here reads the lineages of ``RecurringRevenue`` (a
/// subscription and its renewals count once, by the latest license) and its ARR, so the reports
/// agree with `recurring` to the minor unit.
extension ChannelView {
    typealias LoggedLicenses = [(license: SignedLicense, node: String, index: UInt64)]

    /// When a subscription's grace ends: its end plus the grace days its expiry behaviour declares.
    static func graceEnds(_ license: License) -> Int64? {
        license.exp.map { $0 + (license.expiry?.graceDays ?? 0) * 86_400 }
    }

    /// Subscriptions whose renewal is in doubt at `at`, judged by each lineage's latest license
    /// issued by then: `expiring` when it ends in `(at, at + days]`, `grace` when it ended and its
    /// grace runs past `at`, `lapsed` when its grace ended in the last `days`. A lineage renewed
    /// (its latest license runs on) is at no risk and not listed.
    func renewalRisk(_ licenses: LoggedLicenses, at: Int64, days: Int64) -> (rows: [ChannelReport.RenewalRiskRow], totals: [ChannelReport.RenewalRiskTotal]) {
        let window = days * 86_400
        let known = licenses.filter { $0.license.payload.model == "subscription" && $0.license.payload.iat <= at }
        var rows: [ChannelReport.RenewalRiskRow] = []
        for item in RecurringRevenue.latest(of: known) {
            let claims = item.license.payload
            guard let exp = claims.exp, let graceEnds = Self.graceEnds(claims) else { continue }
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
            rows.append(.init(state: state, customer: claims.customer, product: claims.product, country: claims.country, node: item.node,
                              name: names[item.node] ?? item.node, license: item.license.hash, exp: exp, graceEnds: graceEnds,
                              daysLeft: daysLeft, currency: claims.price.currency,
                              annualRecurring: Int64(clamping: RecurringRevenue.figures(of: claims).annual)))
        }
        let states = ["expiring", "grace", "lapsed"]
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

    /// Revenue of the renewals falling due in `[at, at + days)`, per calendar month and currency:
    /// each subscription in force at `at` (its lineage's latest license) renews at every multiple
    /// of its term after its end, at its price × seats. Subscriptions already past their end (in
    /// grace) are renewal risk, not schedule, and are not forecast.
    func forecast(_ licenses: LoggedLicenses, at: Int64, days: Int64) -> [ChannelReport.ForecastRow] {
        let end = at + days * 86_400
        struct Group: Hashable { var month: String; var currency: String }
        var renewals: [Group: (count: Int, amount: Int128)] = [:]
        for (license, _) in RecurringRevenue.inForce(licenses.filter { $0.license.payload.iat <= at }, at: at) {
            guard let exp = license.exp, exp > license.nbf else { continue }
            let term = exp - license.nbf
            let amount = Int128(license.price.amount) * Int128(license.seats.count)
            // Due dates exp + k·term below `end`, counted month by month without listing them (a
            // term of a minute over a century would be millions of dates).
            var monthStart = exp
            while monthStart < end {
                let monthEnd = min(TimeText.startOfNextMonth(after: monthStart), end)
                let count = Self.multiples(of: term, from: exp, in: monthStart..<monthEnd)
                if count > 0 {
                    let group = Group(month: TimeText.month(monthStart), currency: license.price.currency)
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

    /// Net and gross revenue retention per currency over `from..<to`, and the renewal rate of the
    /// terms that ended in it. Each customer's ARR at a time is the sum over their subscriptions
    /// in force then, from the licenses issued by then; the cohort is the customers with ARR at
    /// `from`. Net counts all their ARR at `to` (upgrades and new subscriptions included); gross
    /// caps each customer at their ARR at `from`.
    func retention(_ licenses: LoggedLicenses, from: Int64, to: Int64) -> (rows: [ChannelReport.RetentionRow], rate: ChannelReport.RenewalRate) {
        struct Account: Hashable { var customer: String; var currency: String }
        func arr(at time: Int64) -> [Account: Int128] {
            var totals: [Account: Int128] = [:]
            for (license, _) in RecurringRevenue.inForce(licenses.filter { $0.license.payload.iat <= time }, at: time) {
                let account = Account(customer: license.customer, currency: license.price.currency)
                totals[account] = RecurringRevenue.sum(totals[account] ?? 0, RecurringRevenue.figures(of: license).annual)
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
                start = RecurringRevenue.sum(start, before)
                end = RecurringRevenue.sum(end, after)
                retained = RecurringRevenue.sum(retained, min(before, after))
                if after == 0 {
                    churned += 1
                    churn = RecurringRevenue.sum(churn, before)
                } else if after > before {
                    expansion = RecurringRevenue.sum(expansion, after - before)
                } else {
                    contraction = RecurringRevenue.sum(contraction, before - after)
                }
            }
            let limit = Int128(Int64.max)
            rows.append(.init(currency: currency, customers: accounts.count, churnedCustomers: churned,
                              startingRecurring: Int64(clamping: start), endingRecurring: Int64(clamping: end),
                              retainedRecurring: Int64(clamping: retained), expansion: Int64(clamping: expansion),
                              contraction: Int64(clamping: contraction), churn: Int64(clamping: churn),
                              netRetentionBasisPoints: Int64(clamping: end * 10_000 / start),
                              grossRetentionBasisPoints: Int64(clamping: retained * 10_000 / start),
                              saturated: [start, end].contains { $0 > limit }))
        }
        rows.sort { $0.currency < $1.currency }

        let known = licenses.filter { $0.license.payload.model == "subscription" && $0.license.payload.iat <= to }
        var due = 0, renewed = 0, pending = 0
        for lineage in Dictionary(grouping: known, by: \.license.lineage).values {
            for item in lineage {
                let claims = item.license.payload
                guard let exp = claims.exp, let graceEnds = Self.graceEnds(claims), from <= exp, exp < to else { continue }
                let next = lineage.contains { other in
                    other.license.hash != item.license.hash && other.license.payload.nbf <= graceEnds
                        && (other.license.payload.exp.map { $0 > exp } ?? true)
                }
                if next { due += 1; renewed += 1 } else if graceEnds > to { pending += 1 } else { due += 1 }
            }
        }
        return (rows, .init(due: due, renewed: renewed, pending: pending, basisPoints: due == 0 ? nil : Int64(renewed) * 10_000 / Int64(due)))
    }
}
