import TollgateCertificates

/// What a node knows about a license it issued: the newest license of the lineage (renewal, upgrade, conversion) and its add-ons, whether it verifies now, and
/// how many of its seats are in use.
public struct LicenseStatusReport: Hashable, Sendable {
    public let file: LicenseFile
    public let current: SignedLicense
    public let lineage: String
    public let problem: VerificationError?
    public let activeSeats: Int
    public let revocations: [String]
    /// License files of the lineage's add-ons.
    public let addons: [LicenseFile]
}
