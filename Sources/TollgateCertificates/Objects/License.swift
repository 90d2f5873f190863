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
    /// For a renewal: hash of the license it extends (same issuer, customer and seats).
    public var renews: String?
    /// A tier of `product` in the issuing certificate; `features` are then exactly that tier's.
    public var tier: String?
    /// What the license does as it ends; only with `exp`.
    public var expiry: ExpiryBehaviour?
    /// For model `floating`: the lease and borrow lengths its lease server may sign (within the
    /// certificate's).
    public var floating: FloatingTerms?

    public init(iss: String, cert: String, seats: SerialRange, customer: String, country: String, territory: [String],
                product: String, features: [String], model: String, price: Price, iat: Int64, nbf: Int64, exp: Int64?,
                logIndex: UInt64, jti: String, renews: String? = nil, tier: String? = nil, expiry: ExpiryBehaviour? = nil,
                floating: FloatingTerms? = nil) {
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
        self.floating = floating
    }

    enum CodingKeys: String, CodingKey {
        case iss, cert, seats, customer, country, territory, product, features, model, price, iat, nbf, exp, jti, renews, tier, expiry, floating
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
        if let expiry {
            guard exp != nil else {
                throw VerificationError(.invalidField, object, "expiry (warning, grace, lock or downgrade) needs exp; a license that does not end has none")
            }
            try expiry.validate(object: object)
        }
        if let floating { try floating.validate(object: object) }
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
}
