/// The free trials a certificate lets its holder give: licenses of the `trial` model are exempt
/// from the price floor, so a reseller can hand out a trial at no cost, but only `days` long and
/// only `perCustomer` of them per customer and product. Without it a trial pays the floor like any
/// sale, so a channel cannot give away its product as endless "trials".
public struct TrialAllowance: Codable, Hashable, Sendable {
    /// The model a trial license carries, the only one the exemption covers.
    public static let model = "trial"
    /// Longest trial the allowance may grant, in days (one year).
    public static let maxDays: Int64 = 366

    /// Longest trial, in whole days from `nbf` to `exp`.
    public var days: Int64
    /// How many trials one customer may get for one product from the holder.
    public var perCustomer: Int

    public init(days: Int64, perCustomer: Int) {
        self.days = days
        self.perCustomer = perCustomer
    }

    /// Longest trial in seconds.
    public var seconds: Int64 { days * ExpiryBehaviour.secondsPerDay }

    /// Whether a child's allowance stays inside `parent`'s: no longer, no more per customer.
    public func isWithin(_ parent: TrialAllowance) -> Bool {
        days <= parent.days && perCustomer <= parent.perCustomer
    }

    enum CodingKeys: String, CodingKey {
        case days
        case perCustomer = "per_customer"
    }

    func validate(object: String) throws(VerificationError) {
        guard days >= 1, days <= Self.maxDays else {
            throw VerificationError(.invalidField, object, "trials.days \(days) is outside 1 to \(Self.maxDays)")
        }
        guard perCustomer >= 1, perCustomer <= ObjectLimits.maxListCount else {
            throw VerificationError(.invalidField, object, "trials.per_customer \(perCustomer) is outside 1 to \(ObjectLimits.maxListCount)")
        }
    }
}

extension TrialAllowance: CustomStringConvertible {
    public var description: String { "\(days) days, \(perCustomer) per customer" }
}
