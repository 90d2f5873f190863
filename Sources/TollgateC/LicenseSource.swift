import TollgateCertificates
import TollgateClient

/// Where a handle's license comes from: nothing yet, files the caller named, or a machine wallet
/// (which also holds the machine's key, its revocations and its activation).
enum LicenseSource {
    case none
    /// A license file and, optionally, the activation of this machine, read when opened.
    case files(license: LicenseFile, activation: String?)
    case wallet(MachineWallet)
}
