/// A quota of seats and the limits under which its holder may issue licenses or delegate further.
/// Signed by the parent's key (or the root's trust anchor for the first level).
public struct AllocationCertificate: SignedPayload {
    public static let type = "tollgate-allocation+jws"
    public static let noun = "certificate"

    /// Key id (RFC 7638 thumbprint) of the signer.
    public var iss: String
    /// Subject node id.
    public var sub: String
    /// The subject's Ed25519 public key, base64url of the 32 raw bytes.
    public var subKey: String
    /// SHA-256 (base64url) of the parent certificate's compact JWS; absent when signed by the root.
    public var parent: String?
    public var seats: SerialRange
    /// ISO 3166-1 alpha-2 codes where licenses may be sold and activated.
    public var countries: [String]
    /// Product id → allowed features.
    public var products: [String: [String]]
    /// License models allowed (`perpetual`, `subscription`, `trial`, …).
    public var models: [String]
    /// Currency → minimum price per seat, in minor units.
    public var priceFloor: [String: Int64]
    /// How many further delegation levels are allowed.
    public var depth: Int
    /// The window (Unix seconds) in which the certificate may be used to issue.
    public var nbf: Int64
    public var exp: Int64
    /// Longest time, in seconds, the holder may go without syncing to its parent.
    public var syncWithin: Int64
    public var jti: String
    /// Limits on emergency activations of licenses under this certificate; absent means
    /// `EmergencyLimits.defaults`.
    public var emergency: EmergencyLimits?
    /// Product id → tier name → features: named feature sets a license may name instead of a
    /// feature list, and a license's expiry may downgrade to. Each tier's features lie within its
    /// product's; absent means no tiers.
    public var tiers: [String: [String: [String]]]?
    /// Currency → feature → minimum price per seat, in minor units, of adding that feature: what an
    /// upgrade must charge at least for the features it adds and an add-on for the features it
    /// brings, so a feature cannot be sold below its worth as a cheap "difference". Absent means 0.
    public var featureFloors: [String: [String: Int64]]?
    /// The free trials the holder may give; absent means a trial pays the price floor.
    public var trials: TrialAllowance?
    /// With model `floating`: the longest lease and borrow its holder may sell (a child's within its
    /// parent's); required exactly when `models` grants `floating`.
    public var floating: FloatingTerms?
    /// The enforcement policies (``EnforcementPolicy``) licenses under it may carry, a child's a
    /// subset of its parent's in force; absent means strict only.
    public var enforcement: [String]?

    public init(iss: String, sub: String, subKey: String, parent: String?, seats: SerialRange,
                countries: [String], products: [String: [String]], models: [String],
                priceFloor: [String: Int64], depth: Int, nbf: Int64, exp: Int64, syncWithin: Int64, jti: String,
                emergency: EmergencyLimits? = nil, tiers: [String: [String: [String]]]? = nil,
                featureFloors: [String: [String: Int64]]? = nil, trials: TrialAllowance? = nil, floating: FloatingTerms? = nil,
                enforcement: [String]? = nil) {
        self.iss = iss
        self.sub = sub
        self.subKey = subKey
        self.parent = parent
        self.seats = seats
        self.countries = countries.sorted()
        self.products = products.mapValues { $0.sorted() }
        self.models = models.sorted()
        self.priceFloor = priceFloor
        self.depth = depth
        self.nbf = nbf
        self.exp = exp
        self.syncWithin = syncWithin
        self.jti = jti
        self.emergency = emergency
        self.tiers = tiers?.mapValues { $0.mapValues { $0.sorted() } }
        self.featureFloors = featureFloors
        self.trials = trials
        self.floating = floating
        self.enforcement = enforcement?.sorted()
    }

    /// The least an upgrade or add-on that adds `features` may charge per seat in `currency`: the
    /// sum of their feature floors (features without one count 0).
    public func featureFloor(of features: some Sequence<String>, currency: String) -> Int64 {
        let floors = featureFloors?[currency] ?? [:]
        return Set(features).reduce(0) { $0 + (floors[$1] ?? 0) }
    }

    /// The features of `tier` of `product`, nil when the certificate has no such tier.
    public func features(ofTier tier: String, product: String) -> [String]? {
        tiers?[product]?[tier]
    }

    /// The enforcement policies in force: the certificate's own, or strict only.
    public var enforcementPolicies: Set<EnforcementPolicy> {
        enforcement.flatMap(EnforcementPolicy.policies) ?? Set(EnforcementPolicy.grantedByDefault)
    }

    /// The emergency limits in force: the certificate's own, or the defaults.
    public var emergencyLimits: EmergencyLimits { emergency ?? .defaults }

    enum CodingKeys: String, CodingKey {
        case iss, sub, parent, seats, countries, products, models, depth, nbf, exp, jti, emergency, tiers, trials, floating, enforcement
        case featureFloors = "feature_floors"
        case subKey = "sub_key"
        case priceFloor = "price_floor"
        case syncWithin = "sync_within"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(sub, "sub", object)
        try FieldFormat.nonEmpty(subKey, "sub_key", object)
        if let parent { try FieldFormat.nonEmpty(parent, "parent", object) }
        try FieldFormat.nonEmpty(jti, "jti", object)
        guard seats.isValid else { throw VerificationError(.invalidField, object, "seats \(seats) is empty or beyond 2^53") }
        try FieldFormat.list(countries, "countries", object) { country throws(VerificationError) in
            try FieldFormat.country(country, "country", object)
        }
        try FieldFormat.list(Array(products.keys), "products", object) { product throws(VerificationError) in
            try FieldFormat.nonEmpty(product, "product id", object)
            try FieldFormat.list(products[product] ?? [], "features of \(product)", object, allowEmpty: true) { feature throws(VerificationError) in
                try FieldFormat.nonEmpty(feature, "feature", object)
            }
        }
        try FieldFormat.list(models, "models", object) { model throws(VerificationError) in try FieldFormat.nonEmpty(model, "model", object) }
        try FieldFormat.list(Array(priceFloor.keys), "price_floor", object, allowEmpty: true) { currency throws(VerificationError) in
            try FieldFormat.currency(currency, object)
            try FieldFormat.amount(priceFloor[currency] ?? 0, "price floor \(currency)", object)
        }
        guard depth >= 0, depth <= ObjectLimits.maxDepth else {
            throw VerificationError(.invalidField, object, "depth \(depth) is outside 0 to \(ObjectLimits.maxDepth)")
        }
        try FieldFormat.window(nbf: nbf, exp: exp, object)
        guard syncWithin > 0, syncWithin <= ObjectLimits.latestTime else {
            throw VerificationError(.invalidField, object, "sync_within \(syncWithin) must be positive and below \(ObjectLimits.latestTime) s")
        }
        if let emergency, emergency.maxSeconds <= 0 || emergency.maxSeconds > ObjectLimits.latestTime || emergency.maxCount < 0
            || emergency.maxCount > ObjectLimits.maxListCount || emergency.periodSeconds <= 0 || emergency.periodSeconds > ObjectLimits.latestTime {
            throw VerificationError(.invalidField, object, "emergency needs max_seconds and period_seconds from 1 to \(ObjectLimits.latestTime) and max_count from 0 to \(ObjectLimits.maxListCount)")
        }
        if let tiers { try validateTiers(tiers, object: object) }
        if let featureFloors { try validateFeatureFloors(featureFloors, object: object) }
        try trials?.validate(object: object)
        if let floating { try floating.validate(object: object) }
        if let enforcement {
            try FieldFormat.list(enforcement, "enforcement", object) { name throws(VerificationError) in
                guard EnforcementPolicy(rawValue: name) != nil else {
                    throw VerificationError(.invalidField, object, "enforcement '\(name.prefix(40))' is neither strict nor lenient")
                }
            }
        }
        guard (floating != nil) == models.contains(FloatingTerms.model) else {
            throw VerificationError(.invalidField, object, floating == nil ? "model floating needs floating terms (lease and borrow)"
                                    : "floating terms come only with model floating")
        }
    }

    /// Each currency is a floor currency, each feature one of some product's, each amount in range.
    private func validateFeatureFloors(_ floors: [String: [String: Int64]], object: String) throws(VerificationError) {
        let features = Set(products.values.joined())
        try FieldFormat.list(Array(floors.keys), "feature_floors", object) { currency throws(VerificationError) in
            try FieldFormat.currency(currency, object)
            guard priceFloor[currency] != nil else {
                throw VerificationError(.invalidField, object, "feature_floors has currency \(currency), which has no price_floor")
            }
            let named = floors[currency] ?? [:]
            try FieldFormat.list(Array(named.keys), "feature_floors of \(currency)", object) { feature throws(VerificationError) in
                guard features.contains(feature) else {
                    throw VerificationError(.invalidField, object, "feature_floors of \(currency) names feature \(feature), which no product has")
                }
                try FieldFormat.amount(named[feature] ?? 0, "feature floor \(currency) \(feature)", object)
            }
        }
    }

    /// Names and sizes are field formats; a tier outside its product's features breaks the rule
    /// ``VerificationError/Rule/tierOutsideProduct``.
    private func validateTiers(_ tiers: [String: [String: [String]]], object: String) throws(VerificationError) {
        try FieldFormat.list(Array(tiers.keys), "tiers", object) { product throws(VerificationError) in
            try FieldFormat.nonEmpty(product, "tiers product id", object)
            let named = tiers[product] ?? [:]
            try FieldFormat.list(Array(named.keys), "tiers of \(product)", object) { tier throws(VerificationError) in
                try FieldFormat.nonEmpty(tier, "tier name", object)
                try FieldFormat.list(named[tier] ?? [], "features of tier \(tier) of \(product)", object, allowEmpty: true) { feature throws(VerificationError) in
                    try FieldFormat.nonEmpty(feature, "feature", object)
                }
            }
        }
        for (product, named) in tiers.sorted(by: { $0.key < $1.key }) {
            guard let allowed = products[product] else {
                throw VerificationError(.tierOutsideProduct, object, "tiers name product \(product), which is not in products")
            }
            for (tier, features) in named.sorted(by: { $0.key < $1.key }) {
                let extra = Set(features).subtracting(allowed)
                guard extra.isEmpty else {
                    throw VerificationError(.tierOutsideProduct, object, "tier \(tier) of \(product) has features \(extra.sorted().joined(separator: ",")) the product lacks")
                }
            }
        }
    }
}
