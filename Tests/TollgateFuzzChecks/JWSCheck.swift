import TollgateCertificates

/// Compact JWS and every signed object kind read from it: `JWS(compact:object:)` and
/// `Signed<AllocationCertificate | License | Activation | Deactivation | Revocation | QuotaReturn |
/// MachineRequest>`. The input is the compact text; each kind is tried, the `typ` picks the one that
/// gets far.
public enum JWSCheck: FuzzCheck {
    public static let name = "jws"
    /// A cap below the inputs libFuzzer makes, so the size check is exercised.
    static let maxBytes = 2048

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        let compact = String(decoding: input, as: UTF8.self)
        if let jws = try? JWS(compact: compact, object: "object", maxBytes: maxBytes) {
            try FuzzFailure.require(compact.utf8.count <= maxBytes, .limitExceeded, "a \(compact.utf8.count)-byte JWS accepted with a cap of \(maxBytes)")
            try SignedObjectRules.checkJWS(jws, compact: compact)
        }
        try SignedObjectRules.checkSigned(AllocationCertificate.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(License.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(Activation.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(Deactivation.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(Revocation.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(QuotaReturn.self, compact, maxBytes: maxBytes)
        try SignedObjectRules.checkSigned(MachineRequest.self, compact, maxBytes: maxBytes)
    }
}
