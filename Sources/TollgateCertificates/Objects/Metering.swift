/// What a `metered` license sells: an allowance of units per calendar month (UTC) for each metered
/// feature and each activated machine, a price per unit, and what happens past the allowance. Each
/// machine signs its own usage chain, so its offline verifier can hold it to the allowance without
/// asking anyone; billing at the root adds the machines' chains up per license.
public struct Metering: Codable, Hashable, Sendable {
    /// The one period metered licenses know: a calendar month in UTC (`2026-12`).
    public static let monthPeriod = "month"
    /// The ceilings `allow` may carry, in percent of the allowance (×1.25, ×1.5, ×2).
    public static let ceilingPercents: [Int64] = [125, 150, 200]

    /// What use past the allowance does.
    public enum Overage: Hashable, Sendable {
        /// Refused offline: no record beyond the allowance is made.
        case refuse
        /// Allowed up to the allowance × `percent` / 100; the units over the allowance are billed.
        case allow(percent: Int64)
        /// Always allowed; every unit over the allowance is billed.
        case bill
    }

    public static let refuseWord = "refuse"
    public static let allowWord = "allow"
    public static let billWord = "bill"

    /// `month`.
    public var period: String
    /// Units per period per machine, by feature, sorted by feature.
    public var allowance: [MeteredFeature]
    /// The price of one unit past the allowance, in the license's currency.
    public var unitPrice: Price
    /// `refuse`, `allow` or `bill`.
    public var overage: String
    /// For `allow`: the ceiling in percent of the allowance (125, 150 or 200); absent otherwise.
    public var ceilingPercent: Int64?

    public init(allowance: [MeteredFeature], unitPrice: Price, overage: Overage, period: String = Metering.monthPeriod) {
        self.period = period
        self.allowance = allowance.sorted { $0.feature < $1.feature }
        self.unitPrice = unitPrice
        switch overage {
        case .refuse:
            self.overage = Self.refuseWord
            ceilingPercent = nil
        case .allow(let percent):
            self.overage = Self.allowWord
            ceilingPercent = percent
        case .bill:
            self.overage = Self.billWord
            ceilingPercent = nil
        }
    }

    enum CodingKeys: String, CodingKey {
        case period, allowance, overage
        case unitPrice = "unit_price"
        case ceilingPercent = "ceiling_percent"
    }

    /// The rule `overage` and `ceiling_percent` name; nil when they name none (which ``validate(features:object:)`` refuses).
    public var overageRule: Overage? {
        switch overage {
        case Self.refuseWord: ceilingPercent == nil ? .refuse : nil
        case Self.billWord: ceilingPercent == nil ? .bill : nil
        case Self.allowWord: ceilingPercent.flatMap { Self.ceilingPercents.contains($0) ? .allow(percent: $0) : nil }
        default: nil
        }
    }

    /// The allowance of `feature` per period and machine; nil when the feature is not metered.
    public func allowance(of feature: String) -> Int64? {
        allowance.first { $0.feature == feature }?.units
    }

    /// The most units of `feature` one machine may use in a period: the allowance under `refuse`,
    /// allowance × percent / 100 (rounded down) under `allow`, nil (no limit) under `bill` or for a
    /// feature that is not metered.
    public func ceiling(of feature: String) -> Int64? {
        guard let units = allowance(of: feature) else { return nil }
        switch overageRule {
        case .refuse?: return units
        case .allow(let percent)?: return units.multipliedReportingOverflow(by: percent).overflow ? .max : units * percent / 100
        case .bill?, nil: return nil
        }
    }

    /// Checks the period, the allowance (each a feature of the license, 0 to `maxAmount` units), the
    /// unit price and the overage rule.
    func validate(features: [String], currency: String, object: String) throws(VerificationError) {
        guard period == Self.monthPeriod else {
            throw VerificationError(.invalidField, object, "metering.period '\(period.prefix(40))' is not \(Self.monthPeriod)")
        }
        try FieldFormat.list(allowance.map(\.feature), "metering.allowance", object) { feature throws(VerificationError) in
            try FieldFormat.nonEmpty(feature, "metering.allowance feature", object)
            guard features.contains(feature) else {
                throw VerificationError(.invalidField, object, "metering.allowance meters \(feature), which is not a feature of the license")
            }
        }
        for item in allowance { try FieldFormat.amount(item.units, "metering.allowance of \(item.feature)", object) }
        try FieldFormat.currency(unitPrice.currency, object)
        try FieldFormat.amount(unitPrice.amount, "metering.unit_price", object)
        guard unitPrice.currency == currency else {
            throw VerificationError(.invalidField, object, "metering.unit_price is in \(unitPrice.currency), the license's price in \(currency); a license bills in one currency")
        }
        guard overageRule != nil else {
            throw VerificationError(.invalidField, object, "metering.overage must be refuse, bill, or allow with ceiling_percent 125, 150 or 200")
        }
    }
}

extension Metering: CustomStringConvertible {
    /// `render=1000/month, allow:1.5, EUR 0.02 per unit`, the overage as `tollgate issue --overage` takes it.
    public var description: String {
        let units = allowance.map { "\($0.feature)=\($0.units)" }.joined(separator: ",")
        return "\(units)/\(period), \(overageText), \(unitPrice) per unit"
    }

    /// `refuse`, `bill`, or `allow:1.25`, `allow:1.5`, `allow:2`.
    public var overageText: String {
        guard case .allow(let percent)? = overageRule else { return overage }
        var decimals = percent % 100 < 10 ? "0\(percent % 100)" : "\(percent % 100)"
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return "\(Self.allowWord):\(percent / 100)" + (decimals.isEmpty ? "" : ".\(decimals)")
    }
}
