import TollgateCertificates

/// Signed payload claims as raw JSON: the canonical reader (`CanonicalJSONReader` through
/// `read(canonicalJSON:)` of licenses, activations and machine requests) must, where it answers,
/// answer what `JSONDecoder` answers; every accepted value's canonical JSON must match its
/// `Encodable` form and read back equal. The other kinds go through `JSONDecoder` and the writer.
public enum CanonicalJSONCheck: FuzzCheck {
    public static let name = "canonical-json"

    public static func run(_ input: [UInt8]) throws(FuzzFailure) {
        try SignedObjectRules.checkPayloadBytes(License.self, input)
        try SignedObjectRules.checkPayloadBytes(Activation.self, input)
        try SignedObjectRules.checkPayloadBytes(MachineRequest.self, input)
        try SignedObjectRules.checkPayloadBytes(AllocationCertificate.self, input)
        try SignedObjectRules.checkPayloadBytes(Deactivation.self, input)
        try SignedObjectRules.checkPayloadBytes(Revocation.self, input)
        try SignedObjectRules.checkPayloadBytes(QuotaReturn.self, input)
    }
}
