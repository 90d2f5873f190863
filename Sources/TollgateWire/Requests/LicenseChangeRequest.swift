import TollgateCertificates

/// A change to a sold license, made by its issuer as a new signed license that follows it:
///
/// - `supersede`: an upgrade or downgrade to a new feature set or tier, priced at the difference
///   (at least the feature floors of what it adds); the lineage keeps its activations;
/// - `addon`: features added beside the license on its serials, priced at least their feature floors;
/// - `convert`: a paid license ending a trial, continuing its lineage so the machine keeps running.
public struct LicenseChangeRequest: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case supersede, addon, convert
    }

    public var kind: Kind
    /// The new feature set (supersede, convert) or the features added (addon).
    public var features: [String]?
    /// A tier of the product whose features are the new set (supersede, convert).
    public var tier: String?
    /// Per seat: the price of the difference (supersede), of the add-on, or of the paid license (convert).
    public var price: Price
    /// For a conversion: the paid model (default `subscription`) and its end (absent for perpetual).
    public var model: String?
    public var exp: Int64?

    public init(kind: Kind, features: [String]? = nil, tier: String? = nil, price: Price, model: String? = nil, exp: Int64? = nil) {
        self.kind = kind
        self.features = features
        self.tier = tier
        self.price = price
        self.model = model
        self.exp = exp
    }
}
