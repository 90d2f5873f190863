import TollgateCertificates

/// The kinds of signed object a node logs, read by their JWS `typ`: lets the audit and its
/// re-check parse any logged object under the same limits as everywhere else.
enum SignedObjectKind {
    /// Why `compact` does not parse as the object its `typ` names; nil when it parses (or names no
    /// kind we log, which the signature rules judge instead).
    static func refusal(of compact: String) -> VerificationError? {
        guard let typ = JWS.header(of: compact)?.typ else { return nil }
        do {
            switch typ {
            case License.type: _ = try SignedLicense(compact: compact)
            case Activation.type: _ = try SignedActivation(compact: compact)
            case Deactivation.type: _ = try SignedDeactivation(compact: compact)
            case AllocationCertificate.type: _ = try SignedCertificate(compact: compact)
            case QuotaReturn.type: _ = try SignedQuotaReturn(compact: compact)
            case Revocation.type: _ = try SignedRevocation(compact: compact)
            case ActivationRefusal.type: _ = try SignedActivationRefusal(compact: compact)
            case CustomerTransfer.type: _ = try SignedCustomerTransfer(compact: compact)
            default: return nil
            }
            return nil
        } catch {
            return error
        }
    }

    /// The JWS at any size, for checking who signed an object too large to be valid.
    static func unboundedJWS(_ compact: String) -> JWS? {
        try? JWS(compact: compact, object: "entry", maxBytes: .max)
    }
}
