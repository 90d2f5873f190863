import TollgateCertificates

/// A node's answer to `GET /v1/licenses/{hash}/status`: whether the license verifies at the node,
/// the newest license of its lineage and its add-ons, how many of its seats are in use, and the revocations the node knows.
public struct LicenseStatus: Codable, Hashable, Sendable {
    /// The hash asked about.
    public var license: String
    /// Hash of the newest license of the lineage (a renewal when it differs from `license`).
    public var current: String
    public var valid: Bool
    /// The verifier's complaint when `valid` is false.
    public var problem: String?
    public var seats: Int
    public var active: Int
    public var exp: Int64?
    /// Compact revocations in the license's chain.
    public var revocations: [String]
    /// The license file of `current` (absent from nodes that predate it): a machine installs it to
    /// pick up a renewal, upgrade, downgrade or conversion without re-activating.
    public var file: LicenseFile?
    /// License files of the lineage's add-ons, which the machine keeps beside its license.
    public var addons: [LicenseFile]?

    public init(license: String, current: String, valid: Bool, problem: String?, seats: Int, active: Int, exp: Int64?,
                revocations: [String], file: LicenseFile? = nil, addons: [LicenseFile]? = nil) {
        self.license = license
        self.current = current
        self.valid = valid
        self.problem = problem
        self.seats = seats
        self.active = active
        self.exp = exp
        self.revocations = revocations
        self.file = file
        self.addons = addons
    }
}

