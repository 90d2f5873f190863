import TollgateCertificates

/// A lease found in an audited log: the signed lease and where it is (the node whose log holds it,
/// which for a site's lease is the agent that took in the site's log).
struct LoggedLease {
    let lease: SignedLease
    let node: String
    let index: UInt64
}
