/// What an activation beyond a license's seats meets: `strict` refuses it (the default, and the
/// only policy a certificate grants unless it names more); `lenient` allows it, answers it with a
/// warning and marks the activation `over_use`, so the vendor sees the over-use in its reports
/// instead of a customer being locked out.
public enum EnforcementPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    case strict, lenient

    /// The policies a certificate grants when it names none.
    public static let grantedByDefault: [EnforcementPolicy] = [.strict]

    /// The policies `names` grants (a certificate's `enforcement`), nil when one is unknown.
    static func policies(_ names: [String]) -> Set<EnforcementPolicy>? {
        let policies = names.compactMap(EnforcementPolicy.init(rawValue:))
        return policies.count == names.count ? Set(policies) : nil
    }
}
