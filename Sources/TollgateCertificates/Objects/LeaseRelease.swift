/// The lease server's record that a machine gave its lease back before `exp`, carrying the
/// machine's signed `release` request as proof: from `iat` on the serial is free, and an audit ends
/// the lease there when it looks for overlapping leases.
public struct LeaseRelease: SignedPayload {
    public static let type = "tollgate-lease-release+jws"
    public static let noun = "lease release"

    /// Key id of the lease server that recorded it.
    public var iss: String
    /// Hash of the lease that ends.
    public var lease: String
    public var serial: UInt64
    /// The machine's signed `release` request, verbatim.
    public var proof: String
    public var iat: Int64
    public var jti: String
    public var logIndex: UInt64?

    public init(iss: String, lease: String, serial: UInt64, proof: String, iat: Int64, jti: String, logIndex: UInt64? = nil) {
        self.iss = iss
        self.lease = lease
        self.serial = serial
        self.proof = proof
        self.iat = iat
        self.jti = jti
        self.logIndex = logIndex
    }

    enum CodingKeys: String, CodingKey {
        case iss, lease, serial, proof, iat, jti
        case logIndex = "log_index"
    }

    public func validateFields(object: String) throws(VerificationError) {
        guard !proof.isEmpty, proof.utf8.count <= JWS.defaultMaxBytes else {
            throw VerificationError(.invalidField, object, "proof must be the machine's signed release request")
        }
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(lease, "lease", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.index(serial, "serial", object)
        if let logIndex { try FieldFormat.index(logIndex, "log_index", object) }
        try FieldFormat.time(iat, "iat", object)
    }
}
