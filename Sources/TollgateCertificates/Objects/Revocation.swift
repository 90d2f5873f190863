/// Withdraws a certificate from a point in time on; signed by an ancestor of that certificate.
/// Licenses issued before `effective` stay valid.
public struct Revocation: SignedPayload {
    public static let type = "tollgate-revocation+jws"
    public static let noun = "revocation"

    public var iss: String
    /// SHA-256 (base64url) of the revoked certificate's compact JWS.
    public var cert: String
    public var effective: Int64
    public var reason: String
    public var iat: Int64
    public var jti: String

    public init(iss: String, cert: String, effective: Int64, reason: String, iat: Int64, jti: String) {
        self.iss = iss
        self.cert = cert
        self.effective = effective
        self.reason = reason
        self.iat = iat
        self.jti = jti
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(cert, "cert", object)
        try FieldFormat.nonEmpty(reason, "reason", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.time(effective, "effective", object)
        try FieldFormat.time(iat, "iat", object)
    }
}
