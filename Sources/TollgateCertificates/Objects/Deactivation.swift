/// The node's record that a seat was freed, carrying the machine's signed request as proof.
public struct Deactivation: SignedPayload {
    public static let type = "tollgate-deactivation+jws"
    public static let noun = "deactivation"

    /// Key id of the node that recorded it.
    public var iss: String
    /// Hash of the activation that ends.
    public var activation: String
    public var serial: UInt64
    /// The machine's signed `deactivate` request, verbatim.
    public var proof: String
    public var iat: Int64
    public var jti: String
    /// The deactivation's position in its issuer's log (see `Activation.logIndex`); absent in
    /// deactivations made before it existed.
    public var logIndex: UInt64?

    public init(iss: String, activation: String, serial: UInt64, proof: String, iat: Int64, jti: String, logIndex: UInt64? = nil) {
        self.iss = iss
        self.activation = activation
        self.serial = serial
        self.proof = proof
        self.iat = iat
        self.jti = jti
        self.logIndex = logIndex
    }

    enum CodingKeys: String, CodingKey {
        case iss, activation, serial, proof, iat, jti
        case logIndex = "log_index"
    }

    public func validateFields(object: String) throws(VerificationError) {
        guard !proof.isEmpty, proof.utf8.count <= JWS.defaultMaxBytes else {
            throw VerificationError(.invalidField, object, "proof must be the machine's signed request")
        }
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(activation, "activation", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.index(serial, "serial", object)
        if let logIndex { try FieldFormat.index(logIndex, "log_index", object) }
        try FieldFormat.time(iat, "iat", object)
    }
}
