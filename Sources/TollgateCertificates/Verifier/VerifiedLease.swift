/// A lease that verified with its license (and, for a site's lease, the site activation), and how
/// long it has left at the time it was verified.
public struct VerifiedLease: Hashable, Sendable {
    public let license: VerifiedLicense
    public let lease: SignedLease
    public let siteActivation: SignedActivation?
    /// Seconds from the time of verification to the lease's `exp`.
    public let secondsLeft: Int64
}
