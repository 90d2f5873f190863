import TollgateCertificates

/// One license as the revenue rules read it (``RecurringRevenue``): its lineage, its customer,
/// its price and term, and where it stands in its seller's log. The reports make one from each
/// logged license; a customer's own tally of what it bought makes the same from the license it
/// holds, so the two can be compared by the same rules.
public struct RevenueSale: Hashable, Sendable {
    public var hash: String
    /// The revenue stream it belongs to: the lineage's first license (``Signed/lineage``) for a
    /// sale, renewal or conversion, whose latest license prices the stream; its own hash for an
    /// upgrade, downgrade or add-on, whose price is what it adds to the stream it changes.
    public var lineage: String
    /// For an upgrade or downgrade, the lineage whose price it changes: it adds to that stream
    /// until the lineage's next license (a renewal at the new price) reprices the whole.
    public var changes: String?
    public var customer: String
    public var country: String
    public var product: String
    public var model: String
    public var price: Price
    public var seats: UInt64
    public var iat: Int64
    public var nbf: Int64
    public var exp: Int64?
    /// The grace days of its expiry behaviour, 0 without one.
    public var graceDays: Int64
    /// The seller (the node whose log holds it) and its position there, which orders one
    /// lineage's licenses issued within one second.
    public var node: String
    public var index: UInt64

    public init(_ license: SignedLicense, node: String, index: UInt64) {
        let claims = license.payload
        self.init(claims, hash: license.hash, lineage: claims.supersedes != nil || claims.addonOf != nil ? license.hash : license.lineage,
                  node: node, index: index)
        if claims.supersedes != nil { changes = license.lineage }
    }

    /// The sale of `claims`, a license whose hash and lineage are known.
    public init(_ claims: License, hash: String, lineage: String, node: String, index: UInt64) {
        self.hash = hash
        self.lineage = lineage
        customer = claims.customer
        country = claims.country
        product = claims.product
        model = claims.model
        price = claims.price
        seats = claims.seats.count
        iat = claims.iat
        nbf = claims.nbf
        exp = claims.exp
        graceDays = claims.expiry?.graceDays ?? 0
        self.node = node
        self.index = index
    }

    /// When its grace ends: its end plus its grace days; nil without an end.
    public var graceEnds: Int64? { exp.map { $0 + graceDays * 86_400 } }
}
