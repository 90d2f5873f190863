/// The protected header of a Tollgate JWS: always `alg: EdDSA`, a `typ` naming the object kind,
/// and `kid`, the RFC 7638 thumbprint of the signing key.
public struct JWSHeader: Codable, Hashable {
    public var alg: String
    public var typ: String
    public var kid: String

    public init(typ: String, kid: String) {
        self.alg = "EdDSA"
        self.typ = typ
        self.kid = kid
    }
}

extension JWSHeader: Sendable {}
