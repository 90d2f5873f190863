import TollgateCertificates

/// A signed object seen outside the logs (a customer showed it to the vendor, a support case sent
/// it in), with the license it belongs to, so the audit can check that its issuer logged it where
/// it says (hidden issuance). Kinds beyond licenses, activations and deactivations (leases, usage
/// records) are added as new kinds carrying the same license context.
public struct Observation: Codable, Hashable, Sendable {
    /// What the object is; new kinds may be added.
    public struct Kind: StringCode {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        public static let license = Kind("license")
        public static let activation = Kind("activation")
        public static let deactivation = Kind("deactivation")
        /// A usage receipt a machine holds: the audit checks its head is in the agent's log.
        public static let usageReceipt = Kind("usage-receipt")
    }

    public var kind: Kind
    /// The observed object's compact JWS.
    public var object: String
    /// The license the object belongs to, with its chain: it names the issuer and carries the keys
    /// that check the object's signature. For a license, `object` is this file's license.
    public var license: LicenseFile

    public init(kind: Kind, object: String, license: LicenseFile) {
        self.kind = kind
        self.object = object
        self.license = license
    }

    /// A license file seen on its own.
    public init(license: LicenseFile) {
        self.init(kind: .license, object: license.license, license: license)
    }
}
