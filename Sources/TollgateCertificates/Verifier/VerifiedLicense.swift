/// A license that verified, with its chain, the activation checked with it, and its standing at
/// the time it was verified.
public struct VerifiedLicense: Hashable {
    public let chain: [VerifiedCertificate]
    public let license: SignedLicense
    public let activation: SignedActivation?
    /// Where the license stood at the time of verification; never `expired`, which is refused.
    public let standing: LicenseStanding
}

extension VerifiedLicense: Sendable {}
