/// Withdraws a certificate from a point in time on (signed by an ancestor of that certificate), or
/// one license (signed by its issuer or an ancestor of the issuer): a refund, a fraud, a chargeback.
/// Licenses issued under a revoked certificate before `effective` stay valid: customers are not
/// punished for their reseller. A revoked license stops verifying at `effective`.
public struct Revocation: SignedPayload {
    public static let type = "tollgate-revocation+jws"
    public static let noun = "revocation"

    /// Why a single license is revoked. A certificate's revocation keeps a free-text reason (a
    /// channel decision); a license's is one of these, so reports and the audit can count refunds
    /// apart from fraud.
    public enum LicenseReason: String, CaseIterable, Sendable {
        case refund, fraud, chargeback
    }

    public var iss: String
    /// SHA-256 (base64url) of the revoked certificate's compact JWS; absent when a license is revoked.
    public var cert: String?
    /// SHA-256 (base64url) of the revoked license: the first license of its lineage, so the
    /// revocation covers every renewal (which names it in `renews`). Absent when a certificate is revoked.
    public var license: String?
    public var effective: Int64
    public var reason: String
    public var iat: Int64
    public var jti: String

    /// A certificate's revocation.
    public init(iss: String, cert: String, effective: Int64, reason: String, iat: Int64, jti: String) {
        self.iss = iss
        self.cert = cert
        self.effective = effective
        self.reason = reason
        self.iat = iat
        self.jti = jti
    }

    /// A license's revocation: `license` is the hash of the first license of the lineage.
    public init(iss: String, license: String, effective: Int64, reason: LicenseReason, iat: Int64, jti: String) {
        self.iss = iss
        self.license = license
        self.effective = effective
        self.reason = reason.rawValue
        self.iat = iat
        self.jti = jti
    }

    /// What is revoked, for messages: `license <short id>` or `certificate <short id>`.
    public var revokedName: String {
        if let license { return "license \(HashID.short(license))" }
        return cert.map { "certificate \(HashID.short($0))" } ?? "neither a certificate nor a license"
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        switch (cert, license) {
        case (let cert?, nil):
            try FieldFormat.nonEmpty(cert, "cert", object)
            try FieldFormat.nonEmpty(reason, "reason", object)
        case (nil, let license?):
            try FieldFormat.nonEmpty(license, "license", object)
            guard LicenseReason(rawValue: reason) != nil else {
                throw VerificationError(.invalidField, object, "reason '\(reason)' is not one a license is revoked for: "
                                        + LicenseReason.allCases.map(\.rawValue).joined(separator: ", "))
            }
        default:
            throw VerificationError(.invalidField, object, "a revocation names exactly one of cert and license")
        }
        try FieldFormat.nonEmpty(jti, "jti", object)
        try FieldFormat.time(effective, "effective", object)
        try FieldFormat.time(iat, "iat", object)
    }
}
