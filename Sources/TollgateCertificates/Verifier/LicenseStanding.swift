/// Where a license stands at one moment of its life, as its declared expiry behaviour makes it:
/// which features are enabled and how many whole days remain until that changes. The verifier
/// computes it offline for every license it accepts, so the customer's software can warn before
/// the end, keep running in grace, and run on a lesser tier instead of stopping.
public struct LicenseStanding: Hashable, Sendable {
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Verifies with every feature, outside any warning window.
        case active
        /// Verifies with every feature, inside the warning window before `exp`.
        case expiring
        /// After `exp`, inside the grace period: still every feature.
        case grace
        /// After the grace period of a license that downgrades: only the tier's features.
        case downgraded
        /// After `exp` with no grace, or after the grace period of a license that locks: the verifier
        /// refuses it (rule `expired`).
        case expired
    }

    public let state: State
    /// The features enabled in this state: the license's, or the downgrade tier's.
    public let features: [String]
    /// When the state next changes (Unix seconds); nil when it never does.
    public let changesAt: Int64?
    /// Whole days from the time asked about until `changesAt`; nil when it never changes.
    public let daysLeft: Int64?

    /// The standing of `license` (issued under `certificate`, which holds its downgrade tier) at `now`.
    /// Boundaries belong to the earlier state: at `exp` itself the license is still expiring.
    public init(_ license: License, certificate: AllocationCertificate, at now: Int64) {
        let day = ExpiryBehaviour.secondsPerDay
        guard let exp = license.exp else {
            self.init(state: .active, features: license.features, changesAt: nil, now: now)
            return
        }
        let behaviour = license.expiry
        let warnFrom = exp - (behaviour?.warnDays ?? 0) * day
        let graceEnd = exp + (behaviour?.graceDays ?? 0) * day
        if now < warnFrom {
            self.init(state: .active, features: license.features, changesAt: warnFrom, now: now)
        } else if now <= exp {
            self.init(state: .expiring, features: license.features, changesAt: exp, now: now)
        } else if now <= graceEnd {
            self.init(state: .grace, features: license.features, changesAt: graceEnd, now: now)
        } else if let tier = behaviour?.downgradeTier, let features = certificate.features(ofTier: tier, product: license.product) {
            self.init(state: .downgraded, features: features, changesAt: nil, now: now)
        } else {
            self.init(state: .expired, features: [], changesAt: nil, now: now)
        }
    }

    private init(state: State, features: [String], changesAt: Int64?, now: Int64) {
        self.state = state
        self.features = features
        self.changesAt = changesAt
        daysLeft = changesAt.map { max(0, $0 - now) / ExpiryBehaviour.secondsPerDay }
    }

    /// When a license stops verifying: the end of its grace period (or `exp`) for one that locks;
    /// nil for one that never ends or downgrades.
    public static func lockTime(of license: License) -> Int64? {
        guard let exp = license.exp else { return nil }
        guard let behaviour = license.expiry else { return exp }
        if behaviour.downgradeTier != nil { return nil }
        return exp + behaviour.graceDays * ExpiryBehaviour.secondsPerDay
    }

    /// Whether `feature` is enabled in this state.
    public func enables(_ feature: String) -> Bool { features.contains(feature) }
}
