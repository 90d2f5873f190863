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

    public init(iss: String, sub: String, subKey: String, parent: String?, seats: SerialRange,
                countries: [String], products: [String: [String]], models: [String],
                priceFloor: [String: Int64], depth: Int, nbf: Int64, exp: Int64, syncWithin: Int64, jti: String,
                emergency: EmergencyLimits? = nil) {
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
    }

    /// The emergency limits in force: the certificate's own, or the defaults.
    public var emergencyLimits: EmergencyLimits { emergency ?? .defaults }

    enum CodingKeys: String, CodingKey {
        case iss, sub, parent, seats, countries, products, models, depth, nbf, exp, jti, emergency
        case subKey = "sub_key"
        case priceFloor = "price_floor"
        case syncWithin = "sync_within"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(sub, "sub", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        guard seats.isValid else { throw VerificationError(.invalidField, object, "seats \(seats) is empty or beyond 2^53") }
        guard !countries.isEmpty else { throw VerificationError(.invalidField, object, "countries is empty") }
        for country in countries { try FieldFormat.country(country, "country", object) }
        guard !products.isEmpty else { throw VerificationError(.invalidField, object, "products is empty") }
        for product in products.keys { try FieldFormat.nonEmpty(product, "product id", object) }
        guard !models.isEmpty else { throw VerificationError(.invalidField, object, "models is empty") }
        for currency in priceFloor.keys { try FieldFormat.currency(currency, object) }
        guard priceFloor.values.allSatisfy({ $0 >= 0 }) else { throw VerificationError(.invalidField, object, "a price floor is negative") }
        guard depth >= 0 else { throw VerificationError(.invalidField, object, "depth \(depth) is negative") }
        try FieldFormat.window(nbf: nbf, exp: exp, object)
        guard syncWithin > 0 else { throw VerificationError(.invalidField, object, "sync_within must be positive") }
        if let emergency, emergency.maxSeconds <= 0 || emergency.maxCount < 0 || emergency.periodSeconds <= 0 {
            throw VerificationError(.invalidField, object, "emergency needs max_seconds > 0, max_count ≥ 0 and period_seconds > 0")
        }
    }
}
