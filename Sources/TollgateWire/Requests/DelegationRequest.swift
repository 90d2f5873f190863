import TollgateCertificates

/// What a node is asked to delegate. Unset limits are inherited from the parent certificate; a
/// root, which has none, must set them.
public struct DelegationRequest: Hashable, Sendable, Codable {
    public var subject: String
    /// base64url of the child's raw Ed25519 public key.
    public var subjectKey: String
    /// An explicit range, or `count` serials from the lowest free ones.
    public var seats: SerialRange?
    public var count: UInt64?
    public var countries: [String]?
    public var products: [String: [String]]?
    public var models: [String]?
    public var priceFloor: [String: Int64]?
    public var depth: Int?
    public var nbf: Int64?
    public var exp: Int64?
    public var syncWithin: Int64?
    /// Limits on emergency activations; unset inherits the parent's (absent at the root: the defaults).
    public var emergency: EmergencyLimits?
    /// Product → tier → features; unset inherits the parent's tiers that fit `products`.
    public var tiers: [String: [String: [String]]]?
    /// Currency → feature → floor of adding it; unset inherits the parent's.
    public var featureFloors: [String: [String: Int64]]?
    /// Free trials the child may give; unset inherits the parent's.
    public var trials: TrialAllowance?
    /// With model `floating`: the longest lease and borrow the child may sell; unset inherits the
    /// parent's when the child's models include floating.
    public var floating: FloatingTerms?
    /// The enforcement policies (`strict`, `lenient`) the child may sell; unset inherits the parent's.
    public var enforcement: [String]?
    /// Hash of the held certificate to carve from; needed only when the node holds several.
    public var parentHash: String?
    /// The root's own certificate, to sell directly under: the node names itself as the subject
    /// with its own key (`subject` and `subject_key` may then be empty), so the operator need not
    /// know the root's key to ask for it, and only the root accepts it.
    public var toSelf: Bool?

    public init(subject: String, subjectKey: String) {
        self.subject = subject
        self.subjectKey = subjectKey
    }

    enum CodingKeys: String, CodingKey {
        case subject, seats, count, countries, products, models, depth, nbf, exp, emergency, tiers, trials, floating, enforcement
        case featureFloors = "feature_floors"
        case subjectKey = "subject_key"
        case priceFloor = "price_floor"
        case syncWithin = "sync_within"
        case parentHash = "from"
        case toSelf = "to_self"
    }
}
