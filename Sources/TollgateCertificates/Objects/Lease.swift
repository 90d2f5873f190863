/// One machine's hold on one serial of a floating license from `nbf` to `exp`, signed by the
/// license's lease server: the issuing node, or a site node bound to the license by a site
/// activation (named in `site`). A heartbeat replaces a lease with a later one; a missed heartbeat
/// frees the seat at `exp`. Two leases of one serial for different machines that overlap in time
/// prove over-leasing.
public struct Lease: SignedPayload {
    public static let type = "tollgate-lease+jws"
    public static let noun = "lease"

    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// A short lease kept alive by heartbeats (at most the license's `floating.lease`).
        case lease
        /// A longer lease for a machine going offline (at most the license's `floating.borrow`).
        case borrow
    }

    /// Key id of the lease server that signed it.
    public var iss: String
    /// SHA-256 (base64url) of the license (the first of its lineage).
    public var license: String
    public var serial: UInt64
    /// The holding machine's Ed25519 public key, base64url of the raw 32 bytes.
    public var machineKey: String
    public var nbf: Int64
    public var exp: Int64
    public var kind: Kind
    public var jti: String
    /// For a lease signed by a site: hash of the site activation that binds the site's key to the license.
    public var site: String?
    /// The lease's position in its signer's log (see `Activation.logIndex`).
    public var logIndex: UInt64?

    public init(iss: String, license: String, serial: UInt64, machineKey: String, nbf: Int64, exp: Int64, kind: Kind, jti: String,
                site: String? = nil, logIndex: UInt64? = nil) {
        self.iss = iss
        self.license = license
        self.serial = serial
        self.machineKey = machineKey
        self.nbf = nbf
        self.exp = exp
        self.kind = kind
        self.jti = jti
        self.site = site
        self.logIndex = logIndex
    }

    enum CodingKeys: String, CodingKey {
        case iss, license, serial, nbf, exp, kind, jti, site
        case machineKey = "machine_key"
        case logIndex = "log_index"
    }

    /// How long it lasts, `exp - nbf`.
    public var length: Int64 { exp - nbf }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(license, "license", object)
        try FieldFormat.nonEmpty(machineKey, "machine_key", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        if let site { try FieldFormat.nonEmpty(site, "site", object) }
        try FieldFormat.index(serial, "serial", object)
        if let logIndex { try FieldFormat.index(logIndex, "log_index", object) }
        try FieldFormat.window(nbf: nbf, exp: exp, object)
    }
}
