import TollgateCertificates

/// A sale to be recorded as a license.
public struct LicenseRequest: Hashable, Sendable {
    public var customer: String
    public var country: String
    /// Where it may be activated; defaults to the country of sale.
    public var territory: [String]?
    public var product: String
    /// Defaults to every feature the certificate allows for the product.
    public var features: [String]?
    public var model: String
    public var price: Price
    /// How many machines may be active at once.
    public var seatCount: UInt64
    public var nbf: Int64?
    public var exp: Int64?
    /// Hash of the held certificate to issue under; by default the first that allows the sale.
    public var certificateHash: String?

    public init(customer: String, country: String, product: String, model: String, price: Price, seatCount: UInt64 = 1) {
        self.customer = customer
        self.country = country
        self.product = product
        self.model = model
        self.price = price
        self.seatCount = seatCount
    }
}
