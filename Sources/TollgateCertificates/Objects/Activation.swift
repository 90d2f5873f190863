/// Binds one serial of a license to one machine, signed by the activating node.
public struct Activation: SignedPayload {
    public static let type = "tollgate-activation+jws"
    public static let noun = "activation"

    /// How long an activation holds. A `site` activation binds a floating license's lease server
    /// (a site node, whose key is `machine_key`) to the license; it occupies no seat of its own, as
    /// its leases do.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case standard, temporary, site
    }

    /// Key id of the activating node.
    public var iss: String
    /// SHA-256 (base64url) of the license's compact JWS.
    public var license: String
    public var serial: UInt64
    /// The machine's own Ed25519 public key, base64url of the raw 32 bytes.
    public var machineKey: String
    /// Hash of the machine's fingerprint (no raw identifiers).
    public var fingerprint: String
    public var platform: String
    /// Where the machine was activated.
    public var country: String
    public var iat: Int64
    /// Required for temporary activations.
    public var exp: Int64?
    public var kind: Kind
    public var jti: String
    /// For a temporary emergency activation: hash of the failed machine's activation it stands in
    /// for. It neither frees nor consumes that seat.
    public var replaces: String?
    /// The activation's position in its issuer's log, so an audit can prove an activation that is
    /// not logged where it says (hidden issuance). Absent in activations made before it existed.
    public var logIndex: UInt64?
    /// For an activation of a `lenient` license beyond its seats: how many machines were active
    /// beyond the seats with it (1 for the first over-use). It shares a serial with another
    /// machine; the verifier accepts it only for a lenient license, and the audit reports it as
    /// over-use instead of over-activation. Absent for every activation within the seats.
    public var overUse: UInt64?

    public init(iss: String, license: String, serial: UInt64, machineKey: String, fingerprint: String, platform: String,
                country: String, iat: Int64, exp: Int64?, kind: Kind, jti: String, replaces: String? = nil, logIndex: UInt64? = nil,
                overUse: UInt64? = nil) {
        self.iss = iss
        self.license = license
        self.serial = serial
        self.machineKey = machineKey
        self.fingerprint = fingerprint
        self.platform = platform
        self.country = country
        self.iat = iat
        self.exp = exp
        self.kind = kind
        self.jti = jti
        self.replaces = replaces
        self.logIndex = logIndex
        self.overUse = overUse
    }

    enum CodingKeys: String, CodingKey {
        case iss, license, serial, fingerprint, platform, country, iat, exp, kind, jti, replaces
        case machineKey = "machine_key"
        case logIndex = "log_index"
        case overUse = "over_use"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(license, "license", object)
        try FieldFormat.nonEmpty(machineKey, "machine_key", object)
        try FieldFormat.nonEmpty(fingerprint, "fingerprint", object)
        try FieldFormat.nonEmpty(platform, "platform", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        if let replaces { try FieldFormat.nonEmpty(replaces, "replaces", object) }
        try FieldFormat.index(serial, "serial", object)
        if let logIndex { try FieldFormat.index(logIndex, "log_index", object) }
        if let overUse {
            try FieldFormat.index(overUse, "over_use", object)
            guard overUse >= 1, kind == .standard else {
                throw VerificationError(.invalidField, object, "over_use is at least 1 and marks a standard activation only")
            }
        }
        try FieldFormat.country(country, "country", object)
        try FieldFormat.window(nbf: iat, exp: exp, object)
        if kind != .standard && exp == nil {
            throw VerificationError(.expiryRequired, object, "a \(kind.rawValue) activation must carry exp")
        }
    }
}
