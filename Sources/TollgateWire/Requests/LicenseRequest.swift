import TollgateCertificates

/// A sale to be recorded as a license.
public struct LicenseRequest: Hashable, Sendable, Codable {
    public var customer: String
    public var country: String
    /// Where it may be activated; defaults to the country of sale.
    public var territory: [String]?
    public var product: String
    /// Defaults to the tier's features when `tier` is set, else every feature the certificate
    /// allows for the product.
    public var features: [String]?
    /// A tier of the product in the certificate; its features are the license's.
    public var tier: String?
    /// Warning window, grace period and lock or downgrade; only with `exp`.
    public var expiry: ExpiryBehaviour?
    public var model: String
    /// For model `metered`: allowance per period, unit price and overage rule.
    public var metering: Metering?
    public var price: Price
    /// How many machines may be active at once.
    public var seatCount: UInt64
    public var nbf: Int64?
    public var exp: Int64?
    /// For model `floating`: the lease and borrow lengths sold; defaults to the certificate's.
    public var floating: FloatingTerms?
    /// Hash of the held certificate to issue under; by default the first that allows the sale.
    public var certificateHash: String?
    /// The seller's order id (1 to 64 of `A-Z a-z 0-9 . _ : -`): a request whose order is already
    /// issued gets that license back and issues nothing (``OrderID``).
    public var order: String?
    /// Term in days from the time of issue, instead of `exp`: an order retried later keeps its terms.
    public var days: Int64?

    public init(customer: String, country: String, product: String, model: String, price: Price, seatCount: UInt64 = 1) {
        self.customer = customer
        self.country = country
        self.product = product
        self.model = model
        self.price = price
        self.seatCount = seatCount
    }

    enum CodingKeys: String, CodingKey {
        case customer, country, territory, product, features, model, price, nbf, exp, tier, expiry, metering, floating, order, days
        case seatCount = "seats"
        case certificateHash = "from"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customer = try container.decode(String.self, forKey: .customer)
        country = try container.decode(String.self, forKey: .country)
        territory = try container.decodeIfPresent([String].self, forKey: .territory)
        product = try container.decode(String.self, forKey: .product)
        features = try container.decodeIfPresent([String].self, forKey: .features)
        tier = try container.decodeIfPresent(String.self, forKey: .tier)
        expiry = try container.decodeIfPresent(ExpiryBehaviour.self, forKey: .expiry)
        model = try container.decode(String.self, forKey: .model)
        metering = try container.decodeIfPresent(Metering.self, forKey: .metering)
        price = try container.decode(Price.self, forKey: .price)
        seatCount = try container.decodeIfPresent(UInt64.self, forKey: .seatCount) ?? 1
        nbf = try container.decodeIfPresent(Int64.self, forKey: .nbf)
        exp = try container.decodeIfPresent(Int64.self, forKey: .exp)
        certificateHash = try container.decodeIfPresent(String.self, forKey: .certificateHash)
        floating = try container.decodeIfPresent(FloatingTerms.self, forKey: .floating)
        order = try container.decodeIfPresent(String.self, forKey: .order)
        days = try container.decodeIfPresent(Int64.self, forKey: .days)
    }
}
