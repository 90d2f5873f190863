import TollgateCertificates

/// Who the business rests on: how trials convert, how concentrated recurring revenue is on a few
/// customers, and how far each feature reaches into the licenses in use. Money follows the rule
/// of ``RecurringRevenue``, per currency, so `concentration` agrees with `recurring` to the minor unit.
extension ChannelView {
    /// Trial conversion per product. A trial is a lineage's first license of model `trial`; it is
    /// converted when a paid license names it in `converts` (the earliest, should a log hold more),
    /// and the time to convert is from the trial's `iat` to that license's. The median is the
    /// upper one of an even count, as in the `conversion` report.
    func trials(_ licenses: [SignedLicense]) -> [ChannelReport.TrialRow] {
        let trials = licenses.filter { $0.payload.model == "trial" && $0.payload.renews == nil && $0.payload.addonOf == nil }
        let converted = Dictionary(licenses.compactMap { license in license.payload.converts.map { ($0, license.payload.iat) } },
                                   uniquingKeysWith: min)
        return Dictionary(grouping: trials, by: \.payload.product).map { product, trials in
            let delays = trials.compactMap { trial in converted[trial.hash].map { max(0, $0 - trial.payload.iat) } }.sorted()
            return ChannelReport.TrialRow(product: product, trials: trials.count, converted: delays.count,
                                          conversionBasisPoints: Int64(delays.count) * 10_000 / Int64(trials.count),
                                          medianSeconds: delays.isEmpty ? nil : delays[delays.count / 2],
                                          meanSeconds: delays.isEmpty ? nil : Int64(delays.reduce(Int128(0)) { $0 + Int128($1) } / Int128(delays.count)))
        }
        .sorted { $0.product < $1.product }
    }

    /// Customer concentration of ARR per currency at `at`: each customer's ARR is the sum over
    /// their subscriptions in force then (``RecurringRevenue/inForce(_:at:)`` over the licenses
    /// issued by then); customers without ARR are not counted. Shares are of the currency's total.
    func concentration(_ sales: [RevenueSale], at: Int64) -> [ChannelReport.ConcentrationRow] {
        struct Account: Hashable { var customer: String; var currency: String }
        var arr: [Account: Int128] = [:]
        for sale in RecurringRevenue.inForce(sales.filter { $0.iat <= at }, at: at) {
            let account = Account(customer: sale.customer, currency: sale.price.currency)
            arr[account] = RecurringRevenue.sum(arr[account] ?? 0, RecurringRevenue.figures(of: sale).annual)
        }
        return Dictionary(grouping: arr.filter { $0.value > 0 }, by: \.key.currency).map { currency, accounts in
            let ranked = accounts.sorted { ($1.value, $0.key.customer) < ($0.value, $1.key.customer) }
            let total = ranked.reduce(Int128(0)) { RecurringRevenue.sum($0, $1.value) }
            func share(_ amount: Int128) -> Int64 { Int64(clamping: amount * 10_000 / total) }
            let top = ranked.prefix(10)
            return ChannelReport.ConcentrationRow(
                currency: currency, customers: ranked.count, annualRecurring: Int64(clamping: total),
                top: top.map { .init(customer: $0.key.customer, annualRecurring: Int64(clamping: $0.value), shareBasisPoints: share($0.value)) },
                topOneBasisPoints: share(ranked[0].value),
                topTenBasisPoints: share(top.reduce(Int128(0)) { RecurringRevenue.sum($0, $1.value) }),
                saturated: total > Int128(Int64.max))
        }
        .sorted { $0.currency < $1.currency }
    }

    /// Feature penetration per product at `at`. An active license is a lineage with a license in
    /// force then (`nbf ≤ at < exp`, or no end) and no revocation effective by then; its features
    /// are those of its latest such license (an upgrade's new set, a conversion's paid set; a tier's
    /// license lists the tier's features) and of the add-ons in force on it. Each lineage counts once.
    /// `revoked`: lineage → the earliest effective time of a revocation of it.
    func featurePenetration(_ licenses: [SignedLicense], revoked: [String: Int64], at: Int64) -> [ChannelReport.FeatureRow] {
        func active(_ license: SignedLicense) -> Bool {
            let claims = license.payload
            guard claims.iat <= at, claims.nbf <= at, claims.exp.map({ at < $0 }) ?? true else { return false }
            return [license.lineage, claims.addonOf].compactMap { $0 }.allSatisfy { lineage in revoked[lineage].map { $0 > at } ?? true }
        }
        let inForce = licenses.filter(active)
        // Within one lineage all licenses sit in one issuer's log: iat, then the log position the license carries.
        var current = Dictionary(grouping: inForce.filter { $0.payload.addonOf == nil }, by: \.lineage).compactMapValues { lineage in
            lineage.max { ($0.payload.iat, $0.payload.logIndex) < ($1.payload.iat, $1.payload.logIndex) }
        }.mapValues { (product: $0.payload.product, features: Set($0.payload.features)) }
        for addon in inForce {
            guard let base = addon.payload.addonOf, current[base] != nil else { continue }
            current[base]?.features.formUnion(addon.payload.features)
        }
        return Dictionary(grouping: current.values, by: \.product).flatMap { product, lineages in
            let features = Set(lineages.flatMap(\.features))
            return features.map { feature in
                let enabling = lineages.filter { $0.features.contains(feature) }.count
                return ChannelReport.FeatureRow(product: product, feature: feature, licenses: enabling, of: lineages.count,
                                                basisPoints: Int64(enabling) * 10_000 / Int64(lineages.count))
            }
        }
        .sorted { ($0.product, $0.feature) < ($1.product, $1.feature) }
    }
}
