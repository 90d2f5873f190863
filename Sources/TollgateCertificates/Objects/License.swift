/// A sale to one customer: a range of seat serials (its size is how many machines may be active at
/// once) under one allocation certificate.
public struct License: SignedPayload {
    public static let type = "tollgate-license+jws"
    public static let noun = "license"

    /// Key id of the issuing node.
    public var iss: String
    /// SHA-256 (base64url) of the issuing certificate's compact JWS.
    public var cert: String
    public var seats: SerialRange
    public var customer: String
    /// Where it was sold.
    public var country: String
    /// Countries where it may be activated.
    public var territory: [String]
    public var product: String
    public var features: [String]
    public var model: String
    public var price: Price
    public var iat: Int64
    public var nbf: Int64
    /// Absent for perpetual licenses.
    public var exp: Int64?
    /// Position of this license in the issuer's log.
    public var logIndex: UInt64
    public var jti: String
    /// The lineage this license continues: hash of the lineage's first license, whose activations
    /// stay valid for it. Set by a renewal, an upgrade or downgrade (with `supersedes`) and a
    /// conversion (with `converts`); same customer, seats and product as the lineage.
    public var renews: String?
    /// For an upgrade or downgrade: hash of the license of the lineage it replaces. Its `features`
    /// are the new set and its `price` the price of the difference.
    public var supersedes: String?
    /// For an add-on: the lineage (hash of its first license) of the base license whose features it
    /// adds to, on the base's serials; it follows the base through renewals and upgrades.
    public var addonOf: String?
    /// For a conversion: hash of the trial license this paid license ends; it continues the
    /// trial's lineage, so the trial's activations hold.
    public var converts: String?
    /// A tier of `product` in the issuing certificate; `features` are then exactly that tier's.
    public var tier: String?
    /// What the license does as it ends; only with `exp`.
    public var expiry: ExpiryBehaviour?
    /// For a `metered` license (and only for one): allowance per period, unit price and overage rule.
    public var metering: Metering?

    /// The model name of metered licenses, which carry ``metering``.
    public static let meteredModel = "metered"
    /// For model `floating`: the lease and borrow lengths its lease server may sign (within the
    /// certificate's).
    public var floating: FloatingTerms?
    /// For a license without an end (perpetual): the last release date (Unix seconds) of the
    /// product it may run; later releases are refused, earlier ones run for ever (perpetual
    /// fallback). Within the issuing certificate's window. Absent: every release.
    public var updatesUntil: Int64?
    /// `strict` or `lenient` (``EnforcementPolicy``); absent means strict, and a strict license is
    /// written without it, so its bytes are those of a license made before the field existed.
    public var enforcement: String?

    /// The enforcement policy in force: the license's, or strict.
    public var enforcementPolicy: EnforcementPolicy? {
        guard let enforcement else { return .strict }
        return EnforcementPolicy(rawValue: enforcement)
    }

    public init(iss: String, cert: String, seats: SerialRange, customer: String, country: String, territory: [String],
                product: String, features: [String], model: String, price: Price, iat: Int64, nbf: Int64, exp: Int64?,
                logIndex: UInt64, jti: String, renews: String? = nil, tier: String? = nil, expiry: ExpiryBehaviour? = nil,
                supersedes: String? = nil, addonOf: String? = nil, converts: String? = nil, metering: Metering? = nil,
                floating: FloatingTerms? = nil, updatesUntil: Int64? = nil, enforcement: String? = nil) {
        self.iss = iss
        self.cert = cert
        self.seats = seats
        self.customer = customer
        self.country = country
        self.territory = territory.sorted()
        self.product = product
        self.features = features.sorted()
        self.model = model
        self.price = price
        self.iat = iat
        self.nbf = nbf
        self.exp = exp
        self.logIndex = logIndex
        self.jti = jti
        self.renews = renews
        self.tier = tier
        self.expiry = expiry
        self.supersedes = supersedes
        self.addonOf = addonOf
        self.converts = converts
        self.metering = metering
        self.floating = floating
        self.updatesUntil = updatesUntil
        self.enforcement = enforcement
    }

    enum CodingKeys: String, CodingKey {
        case iss, cert, seats, customer, country, territory, product, features, model, price, iat, nbf, exp, jti, renews, tier, expiry, metering
        case supersedes, converts, floating, enforcement
        case updatesUntil = "updates_until"
        case addonOf = "addon_of"
        case logIndex = "log_index"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(cert, "cert", object)
        try FieldFormat.nonEmpty(customer, "customer", object)
        try FieldFormat.nonEmpty(product, "product", object)
        try FieldFormat.nonEmpty(model, "model", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        if let renews { try FieldFormat.nonEmpty(renews, "renews", object) }
        if let tier { try FieldFormat.nonEmpty(tier, "tier", object) }
        try validateLineage(object: object)
        if let expiry {
            guard exp != nil else {
                throw VerificationError(.invalidField, object, "expiry (warning, grace, lock or downgrade) needs exp; a license that does not end has none")
            }
            try expiry.validate(object: object)
        }
        switch (model == Self.meteredModel, metering) {
        case (true, nil):
            throw VerificationError(.invalidField, object, "a metered license carries metering (allowance, unit price, overage)")
        case (false, _?):
            throw VerificationError(.invalidField, object, "metering goes with model metered only, this license is \(model)")
        case (true, let metering?):
            try metering.validate(features: features, currency: price.currency, object: object)
        case (false, nil):
            break
        }
        if let floating { try floating.validate(object: object) }
        try validateTerms(object: object)
        guard seats.isValid else { throw VerificationError(.invalidField, object, "seats \(seats) is empty or beyond 2^53") }
        guard seats.count <= ObjectLimits.maxLicenseSeats else {
            throw VerificationError(.invalidField, object, "seats \(seats) holds \(seats.count) serials, the limit is \(ObjectLimits.maxLicenseSeats)")
        }
        try FieldFormat.country(country, "country", object)
        try FieldFormat.list(territory, "territory", object) { code throws(VerificationError) in try FieldFormat.country(code, "territory", object) }
        try FieldFormat.list(features, "features", object, allowEmpty: true) { feature throws(VerificationError) in
            try FieldFormat.nonEmpty(feature, "feature", object)
        }
        try FieldFormat.currency(price.currency, object)
        try FieldFormat.amount(price.amount, "price", object)
        try FieldFormat.time(iat, "iat", object)
        try FieldFormat.window(nbf: nbf, exp: exp, object)
        try FieldFormat.index(logIndex, "log_index", object)
    }

    /// Maintenance goes with licenses that do not end; the enforcement policy is one of the known two.
    private func validateTerms(object: String) throws(VerificationError) {
        if let updatesUntil {
            guard exp == nil else {
                throw VerificationError(.invalidField, object, "updates_until (maintenance) goes with a license without exp; this one ends at \(exp ?? 0)")
            }
            try FieldFormat.time(updatesUntil, "updates_until", object)
            guard updatesUntil >= nbf else {
                throw VerificationError(.invalidField, object, "updates_until \(updatesUntil) is before nbf \(nbf)")
            }
        }
        if let enforcement, EnforcementPolicy(rawValue: enforcement) == nil {
            throw VerificationError(.invalidField, object, "enforcement '\(enforcement.prefix(40))' is neither strict nor lenient")
        }
    }

    /// An upgrade and a conversion continue a lineage (`renews`); an add-on stands beside one; a
    /// license is at most one of the three.
    private func validateLineage(object: String) throws(VerificationError) {
        if let supersedes { try FieldFormat.nonEmpty(supersedes, "supersedes", object) }
        if let addonOf { try FieldFormat.nonEmpty(addonOf, "addon_of", object) }
        if let converts { try FieldFormat.nonEmpty(converts, "converts", object) }
        guard [supersedes, addonOf, converts].compactMap({ $0 }).count <= 1 else {
            throw VerificationError(.invalidField, object, "a license is an upgrade (supersedes), an add-on (addon_of) or a conversion (converts), not several")
        }
        if supersedes != nil || converts != nil, renews == nil {
            throw VerificationError(.invalidField, object, "an upgrade or conversion names the lineage it continues in renews")
        }
        if addonOf != nil, renews != nil {
            throw VerificationError(.invalidField, object, "an add-on names its base in addon_of and continues no lineage (renews)")
        }
        if converts != nil, model == TrialAllowance.model {
            throw VerificationError(.invalidField, object, "a conversion is a paid license; its model cannot be trial")
        }
    }
}
