import TollgateCertificates

/// A license in one of the subtree's logs, reduced to what the rules across logs read (activations
/// and emergencies against their license, renewals against their lineage). Its text stays in the
/// log, at `index` of `node`'s log, and is read again only for a finding's evidence, so the audit
/// of a large subtree does not hold every license at once.
struct LoggedLicense {
    let hash: String
    /// Whose log holds it.
    let node: String
    let index: UInt64
    /// The certificate chain, root first, ending with the certificate it names.
    let chain: [String]
    let cert: String
    let customer: String
    let seats: SerialRange
    let territory: [String]
    /// Whether its enforcement is lenient: activations marked over-use beyond its seats are allowed.
    let isLenient: Bool

    init(_ license: SignedLicense, node: String, index: UInt64, chain: [String]) {
        hash = license.hash
        self.node = node
        self.index = index
        self.chain = chain
        cert = license.payload.cert
        customer = license.payload.customer
        seats = license.payload.seats
        territory = license.payload.territory
        isLenient = license.payload.enforcementPolicy == .lenient
    }
}
