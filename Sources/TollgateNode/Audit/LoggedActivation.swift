import TollgateCertificates

/// An activation in one of the subtree's logs, reduced to what the seat and emergency rules read.
/// Its text stays at `index` of `node`'s log and is read again only for a finding's evidence.
struct LoggedActivation {
    let hash: String
    /// Whose log holds it.
    let node: String
    let index: UInt64
    /// The hash of the license (the first of its lineage) it activates.
    let license: String
    let serial: UInt64
    let country: String
    let kind: Activation.Kind
    /// Whether it stands in for another activation (an emergency's temporary seat).
    let isStandIn: Bool
    let iat: Int64
    let exp: Int64?
    /// For a lenient license's activation beyond its seats: its `over_use`.
    let overUse: UInt64?

    init(_ activation: SignedActivation, node: String, index: UInt64) {
        hash = activation.hash
        self.node = node
        self.index = index
        let claims = activation.payload
        license = claims.license
        serial = claims.serial
        country = claims.country
        kind = claims.kind
        isStandIn = claims.replaces != nil
        iat = claims.iat
        exp = claims.exp
        overUse = claims.overUse
    }
}
