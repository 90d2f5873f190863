import TollgateCertificates
import TollgateNode

/// A cheat an adversarial agent can commit, and the audit finding that must name it.
public enum Cheat: String, Sendable, Hashable, CaseIterable {
    /// Sells a second license on serials it already sold.
    case reuseSerials = "reuse_serials"
    /// Sells into a country its certificate does not allow.
    case outsideCountries = "outside_countries"
    /// Sells below the certificate's price floor.
    case belowFloor = "below_floor"
    /// Dates a sale days before it happened.
    case backdate
    /// Shows its parent a rewritten history of its log.
    case forkLog = "fork_log"
    /// Sells without logging the license.
    case hideIssuance = "hide_issuance"
    /// Hands serials back to its parent and sells them anyway.
    case returnedQuota = "returned_quota"
    /// Activates a machine outside the license's territory.
    case activateAbroad = "activate_abroad"
    /// Puts a second machine on a seat that is in use.
    case overActivate = "over_activate"
    /// Revokes a sale (a chargeback) and activates a machine on the revoked license anyway.
    case activateRevoked = "activate_revoked"
    /// Upgrades a sale to a feature for less than the feature's floor.
    case upgradeBelowFloor = "upgrade_below_floor"
    /// Signs a lease of a floating license beyond its N serials, bypassing its own lease server.
    case overLease = "over_lease"
    /// Gives one customer more free trials of a product than its certificate allows per customer.
    case trialsBeyondCount = "trials_beyond_count"

    /// The finding the channel audit must raise against the cheater.
    public var expectedFinding: AuditFinding.Kind {
        switch self {
        case .reuseSerials: .duplicateSerial
        case .outsideCountries: .countryEscape
        case .belowFloor: .belowPriceFloor
        case .backdate: .backdating
        case .forkLog: .logEquivocation
        case .hideIssuance: .hiddenIssuance
        case .returnedQuota: .quotaUsedAfterReturn
        case .activateAbroad: .crossRegionActivation
        case .overActivate: .overActivation
        case .activateRevoked: .usedAfterLicenseRevocation
        case .upgradeBelowFloor: .upgradeBelowFloor
        case .overLease: .leaseOversubscribed
        case .trialsBeyondCount: .trialsBeyondCount
        }
    }

    /// The cheats `random` draws from: those the channel's certificates let an agent commit
    /// (over-leasing needs a certificate that grants `floating`, extra trials one that grants
    /// free trials).
    static func randomPool(floating: Bool, trials: Bool) -> [Cheat] {
        allCases.filter { (floating || $0 != .overLease) && (trials || $0 != .trialsBeyondCount) }
    }

    /// The verifier rule an honest client must reject the forged object with, where the object
    /// itself breaks a rule the client can check offline.
    public var rejectedBy: VerificationError.Rule? {
        switch self {
        case .outsideCountries: .countryNotAllowed
        case .belowFloor: .priceBelowFloor
        case .activateAbroad: .activationOutsideTerritory
        case .activateRevoked: .licenseRevoked
        default: nil
        }
    }
}
