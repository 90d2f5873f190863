/// What a license with an `exp` does as it ends: warn for `warnDays` before `exp`, keep every
/// feature for `graceDays` after it, then lock (the verifier refuses it as expired) or fall back to
/// the features of one tier of its product. A lapsed subscription can so downgrade instead of
/// breaking, and the customer's software can warn before anything changes, all offline.
public struct ExpiryBehaviour: Codable, Hashable, Sendable {
    /// What happens once the grace period is over.
    public enum Ending: Hashable, Sendable {
        /// The license stops verifying (rule `expired`).
        case lock
        /// The license still verifies, with only the features of this tier of its product enabled.
        case downgrade(tier: String)
    }

    /// The two words `then` may hold.
    public static let lockWord = "lock"
    public static let downgradeWord = "downgrade"
    /// Longest warning window or grace period, in days (ten years).
    public static let maxDays: Int64 = 3_650
    public static let secondsPerDay: Int64 = 86_400

    /// Whole days before `exp` in which the license is `expiring`; 0 means no warning.
    public var warnDays: Int64
    /// Whole days after `exp` in which the license is in `grace`, every feature still enabled.
    public var graceDays: Int64
    /// `lock` or `downgrade`.
    public var then: String
    /// The tier a `downgrade` falls back to; absent for `lock`.
    public var tier: String?

    public init(warnDays: Int64, graceDays: Int64, ending: Ending) {
        self.warnDays = warnDays
        self.graceDays = graceDays
        switch ending {
        case .lock:
            then = Self.lockWord
            tier = nil
        case .downgrade(let tier):
            then = Self.downgradeWord
            self.tier = tier
        }
    }

    /// The ending `then` names; nil when it names none (which ``validate(object:)`` refuses).
    public var ending: Ending? {
        switch then {
        case Self.lockWord: tier == nil ? .lock : nil
        case Self.downgradeWord: tier.map { .downgrade(tier: $0) }
        default: nil
        }
    }

    /// The tier a downgrade falls back to, nil for a lock.
    public var downgradeTier: String? {
        if case .downgrade(let tier) = ending { return tier }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case then, tier
        case warnDays = "warn_days"
        case graceDays = "grace_days"
    }

    /// Checks the days and the ending; the tier's existence is a rule of the license inside its
    /// certificate (``LicenseRules``).
    func validate(object: String) throws(VerificationError) {
        for (field, days) in [("expiry.warn_days", warnDays), ("expiry.grace_days", graceDays)] {
            guard days >= 0, days <= Self.maxDays else {
                throw VerificationError(.invalidField, object, "\(field) \(days) is outside 0 to \(Self.maxDays) days")
            }
        }
        switch then {
        case Self.lockWord:
            guard tier == nil else {
                throw VerificationError(.invalidField, object, "expiry.tier is set, but expiry.then is lock; a tier goes with downgrade")
            }
        case Self.downgradeWord:
            guard let tier else {
                throw VerificationError(.invalidField, object, "expiry.then is downgrade but expiry.tier names no tier to fall back to")
            }
            try FieldFormat.nonEmpty(tier, "expiry.tier", object)
        default:
            throw VerificationError(.invalidField, object, "expiry.then '\(then.prefix(40))' is neither lock nor downgrade")
        }
    }
}

extension ExpiryBehaviour: CustomStringConvertible {
    /// `warn 14 d, grace 7 d, then downgrade to basic`.
    public var description: String {
        let ending = downgradeTier.map { "downgrade to \($0)" } ?? then
        return "warn \(warnDays) d, grace \(graceDays) d, then \(ending)"
    }
}
