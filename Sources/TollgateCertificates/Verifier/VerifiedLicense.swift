/// What a successful verification proves: the chain, the license and, when given, the activation.
public struct VerifiedLicense: Hashable {
    public let chain: [VerifiedCertificate]
    public let license: SignedLicense
    public let activation: SignedActivation?
}

extension VerifiedLicense: Sendable {}
