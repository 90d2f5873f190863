import TollgateCertificates

/// What installing a node's response changed in the wallet.
public enum InstallResult: Hashable {
    /// An activation (standard, or temporary for an emergency) is now this machine's; it verified
    /// offline with the license file that came with it.
    case activated(VerifiedLicense)
    /// The node recorded that this machine gave its seat back; the activation is gone from the wallet.
    case deactivated(SignedDeactivation)
}

extension InstallResult: Sendable {}
