/// A child hands a sub-range of its quota back to its parent. Once logged, the child never uses
/// those serials again; the parent re-allocates them only after the return has reached it.
public struct QuotaReturn: SignedPayload {
    public static let type = "tollgate-return+jws"
    public static let noun = "quota return"

    /// Key id of the returning node.
    public var iss: String
    /// Hash of the returning node's certificate the serials come from.
    public var cert: String
    public var seats: SerialRange
    public var iat: Int64
    public var jti: String

    public init(iss: String, cert: String, seats: SerialRange, iat: Int64, jti: String) {
        self.iss = iss
        self.cert = cert
        self.seats = seats
        self.iat = iat
        self.jti = jti
    }

    public func validateFields(object: String) throws(VerificationError) {
        guard seats.isValid else { throw VerificationError(.invalidField, object, "seats \(seats) is empty or beyond 2^53") }
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(cert, "cert", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.time(iat, "iat", object)
    }
}
