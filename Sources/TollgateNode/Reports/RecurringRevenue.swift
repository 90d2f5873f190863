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
struct RecurringRevenue {
    static let year: Int128 = 365 * 86_400

    /// One group's figures (a currency, or a region, agent or product in one currency).
    struct Figures {
        var subscriptions = 0
        var monthly: Int128 = 0
        var annual: Int128 = 0

        mutating func add(_ license: License) {
            let (monthly, annual) = RecurringRevenue.figures(of: license)
            subscriptions += 1
            self.monthly = RecurringRevenue.sum(self.monthly, monthly)
            self.annual = RecurringRevenue.sum(self.annual, annual)
        }

        var saturated: Bool { monthly > Int128(Int64.max) || annual > Int128(Int64.max) }
        var monthlyRecurring: Int64 { Int64(clamping: monthly) }
        var annualRecurring: Int64 { Int64(clamping: annual) }
    }

    /// The subscriptions in force at `at`, one per lineage, with the node whose log holds each.
    static func inForce(_ licenses: [(license: SignedLicense, node: String, index: UInt64)], at: Int64) -> [(license: License, node: String)] {
        let subscriptions = licenses.filter { $0.license.payload.model == "subscription" }
        return latest(of: subscriptions)
        .filter { item in item.license.payload.exp.map { item.license.payload.nbf <= at && at < $0 } ?? false }
        .map { ($0.license.payload, $0.node) }
    }

    /// The latest license of each lineage (latest `iat`, then the later log position).
    static func latest(of licenses: [(license: SignedLicense, node: String, index: UInt64)]) -> [(license: SignedLicense, node: String, index: UInt64)] {
        Dictionary(grouping: licenses, by: \.license.lineage).values.compactMap { lineage in
            lineage.max { ($0.license.payload.iat, $0.index) < ($1.license.payload.iat, $1.index) }
        }
    }

    /// One subscription's MRR and ARR; zero for a license the rule does not count.
    static func figures(of license: License) -> (monthly: Int128, annual: Int128) {
        guard license.model == "subscription", let exp = license.exp, exp > license.nbf else { return (0, 0) }
        let term = Int128(exp) - Int128(license.nbf)
        let numerator = Int128(license.price.amount) * Int128(license.seats.count) * year
        return (numerator / (12 * term), numerator / term)
    }

    static func sum(_ left: Int128, _ right: Int128) -> Int128 {
        let (total, overflow) = left.addingReportingOverflow(right)
        return overflow ? (right > 0 ? .max : .min) : total
    }
}
