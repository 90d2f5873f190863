/// Moves licenses from one customer id to another (a merger, an acquisition, a renamed company),
/// signed by the licenses' issuer or an ancestor of it. The licenses themselves are not changed
/// (machines keep verifying them as they are); the channel's reports and renewals read each
/// license's customer as the last transfer of its lineage leaves it, so its entitlement history
/// follows it to the new customer.
public struct CustomerTransfer: SignedPayload {
    public static let type = "tollgate-transfer+jws"
    public static let noun = "customer transfer"

    /// `merge`: every license of `from` the signer could move (the customer is absorbed);
    /// `transfer`: the licenses named, and no more.
    public enum Reason: String, CaseIterable, Sendable {
        case transfer, merge
    }

    public var iss: String
    /// The customer the licenses belong to when the transfer is signed.
    public var from: String
    /// The customer they belong to from then on.
    public var to: String
    /// Hashes of the licenses moved: each the first license of its lineage, sorted.
    public var licenses: [String]
    /// `transfer` or `merge` (``Reason``).
    public var reason: String
    public var iat: Int64
    public var jti: String

    public init(iss: String, from: String, to: String, licenses: [String], reason: Reason, iat: Int64, jti: String) {
        self.iss = iss
        self.from = from
        self.to = to
        self.licenses = licenses.sorted()
        self.reason = reason.rawValue
        self.iat = iat
        self.jti = jti
    }

    public func validateFields(object: String) throws(VerificationError) {
        try FieldFormat.nonEmpty(iss, "iss", object)
        try FieldFormat.nonEmpty(from, "from", object)
        try FieldFormat.nonEmpty(to, "to", object)
        guard from != to else { throw VerificationError(.invalidField, object, "from and to are the same customer, \(to.prefix(80))") }
        try FieldFormat.list(licenses, "licenses", object) { license throws(VerificationError) in try FieldFormat.nonEmpty(license, "licenses entry", object) }
        guard licenses == licenses.sorted() else { throw VerificationError(.invalidField, object, "licenses are not sorted") }
        guard Reason(rawValue: reason) != nil else {
            throw VerificationError(.invalidField, object, "reason '\(reason.prefix(40))' is not one of \(Reason.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try FieldFormat.time(iat, "iat", object)
        try FieldFormat.nonEmpty(jti, "jti", object)
    }
}

public typealias SignedCustomerTransfer = Signed<CustomerTransfer>
