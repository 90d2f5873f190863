/// A license that verified, with its chain, the activation checked with it, and its standing at
/// the time it was verified.
public struct VerifiedLicense: Hashable {
    public let chain: [VerifiedCertificate]
    public let license: SignedLicense
    public let activation: SignedActivation?
    /// Where the license stood at the time of verification; never `expired`, which is refused.
    public let standing: LicenseStanding
    /// The add-ons of the license's lineage that verified with it, each in force at that time.
    public var addons: [SignedLicense] = []
    /// The add-ons given that did not verify (expired, revoked, of another license…), each with the
    /// rule it broke; they enable nothing, and the base license still verifies.
    public var refusedAddons: [VerificationError] = []

    /// The features enabled: the license's in its standing, and every verified add-on's.
    public var features: [String] {
        Set(standing.features).union(addons.flatMap(\.payload.features)).sorted()
    }

    /// The last release date the license's maintenance covers; nil when every release runs.
    public var updatesUntil: Int64? { license.payload.updatesUntil }

    /// For a lenient license's activation beyond its seats: how many machines beyond the seats,
    /// which the customer's software should warn about; nil within the seats.
    public var overUse: UInt64? { activation?.payload.overUse }

    /// Whether `feature` is enabled by the license or an add-on.
    public func enables(_ feature: String) -> Bool { features.contains(feature) }
}

extension VerifiedLicense: Sendable {}
