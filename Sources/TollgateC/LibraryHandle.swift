import Foundation
import TollgateCertificates
import TollgateClient
import TollgateCrypto

/// What one `tollgate *` handle holds: the vendor's key, the license source, the machine to bind
/// activations to, and the last call's failure (readable from C until the next call). A handle is
/// used by one thread at a time; handles share nothing, so each thread may have its own (the
/// threading contract in tollgate.h).
final class LibraryHandle {
    private(set) var anchor: TrustAnchor?
    private(set) var source: LicenseSource = .none
    /// For license files: the machine their activation must be bound to.
    private(set) var machine: MachineIdentity?
    /// For license files: revocations the caller handed in, applied by every verification.
    private(set) var revocations: [String] = []
    private(set) var failure: LibraryError?
    private(set) var message = OwnedCString("")
    private(set) var rule = OwnedCString("")
    private(set) var object = OwnedCString("")

    // MARK: Failure

    /// Clears the last failure: every call starts with an empty message and rule.
    func clearFailure() {
        guard failure != nil else { return }
        failure = nil
        message = OwnedCString("")
        rule = OwnedCString("")
        object = OwnedCString("")
    }

    /// Keeps `error` readable from C and returns its status number.
    func record(_ error: LibraryError) -> Int32 {
        failure = error
        message = OwnedCString(error.description)
        rule = OwnedCString(error.verification?.rule.rawValue ?? "")
        object = OwnedCString(error.verification?.object ?? "")
        return LibraryStatus.number(of: error.code) ?? LibraryStatus.number(of: .failed) ?? 1
    }

    // MARK: Key and sources

    func loadKey(pem: String) throws(LibraryError) {
        do {
            anchor = TrustAnchor(publicKey: try Ed25519PublicKey(pemRepresentation: pem))
        } catch {
            throw LibraryError(.malformed, "not an Ed25519 public key in PEM: \(error)")
        }
    }

    func requireAnchor(for purpose: String) throws(LibraryError) -> TrustAnchor {
        guard let anchor else {
            throw LibraryError(.invalidArgument, "load the vendor's public key before you \(purpose)")
        }
        return anchor
    }

    func openFiles(license: LicenseFile, activation: String?) {
        source = .files(license: license, activation: activation)
    }

    /// Opens the wallet in `directory`, which must be made for the vendor key this handle holds:
    /// the wallet's own copy of the key is never trusted on its own, since whoever can write the
    /// wallet could replace key and license together.
    func openWallet(at directory: URL) throws(LibraryError) {
        let anchor = try requireAnchor(for: "open a wallet")
        let wallet: MachineWallet
        do throws(ClientError) {
            wallet = try MachineWallet(at: directory)
        } catch {
            throw LibraryError(error)
        }
        try checkVendor(of: wallet, anchor: anchor)
        source = .wallet(wallet)
    }

    /// Makes `directory` a wallet for `product` of the loaded vendor key (keeping an existing one
    /// for the same vendor and product) and opens it.
    func createWallet(at directory: URL, product: String) throws(LibraryError) {
        let anchor = try requireAnchor(for: "create a wallet")
        let wallet: MachineWallet
        do throws(ClientError) {
            wallet = try MachineWallet.create(at: directory, anchor: anchor.publicKey, product: product)
        } catch {
            throw LibraryError(error)
        }
        try checkVendor(of: wallet, anchor: anchor)
        source = .wallet(wallet)
    }

    private func checkVendor(of wallet: MachineWallet, anchor: TrustAnchor) throws(LibraryError) {
        guard wallet.anchor.keyID == anchor.keyID else {
            throw LibraryError(.walletConflict, "\(wallet.directory.path) is a wallet for vendor key \(wallet.anchor.keyID), "
                               + "the loaded key is \(anchor.keyID)")
        }
    }

    func requireWallet(for purpose: String) throws(LibraryError) -> MachineWallet {
        guard case .wallet(let wallet) = source else {
            throw LibraryError(.invalidArgument, "open a machine wallet before you \(purpose)")
        }
        return wallet
    }

    /// Verifies `license` at `now` and stores it in the open wallet, ready for an activation request.
    func importLicense(_ license: LicenseFile, at now: Int64) throws(LibraryError) {
        let wallet = try requireWallet(for: "import a license")
        do throws(ClientError) {
            try wallet.importLicense(license, at: now)
        } catch {
            throw LibraryError(error)
        }
    }

    func setMachine(_ identity: MachineIdentity) {
        machine = identity
    }

    /// Keeps a revocation for every later verification: in a wallet it is recorded there (if it
    /// applies to the installed license's chain), for license files it is held by the handle.
    func addRevocation(_ compact: String, at now: Int64) throws(LibraryError) {
        do throws(VerificationError) {
            _ = try SignedRevocation(compact: compact, object: "revocation")
        } catch {
            throw LibraryError(.malformed, "not a revocation: \(error)", verification: error)
        }
        switch source {
        case .wallet(let wallet):
            do throws(ClientError) {
                try wallet.recordRevocations([compact], at: now)
            } catch {
                throw LibraryError(error)
            }
        case .none, .files:
            if !revocations.contains(compact) { revocations.append(compact) }
        }
    }

    // MARK: Verification

    /// Verifies the license alone at `now`: the chain from the vendor's key, every certificate and
    /// license rule, and the revocations held. No activation or machine is looked at.
    func verifyLicense(at now: Int64) throws(LibraryError) -> VerifiedLicense {
        let anchor = try requireAnchor(for: "verify")
        switch source {
        case .none:
            throw LibraryError(.invalidArgument, "open a license file or a wallet before you verify")
        case .files(let license, _):
            return try verify { () throws(VerificationError) in
                try LicenseVerifier(anchor: anchor).verify(license, at: now, revocations: revocations)
            }
        case .wallet(let wallet):
            let stored: (license: LicenseFile?, revocations: [String])
            do throws(ClientError) {
                stored = (try wallet.licenseFile(), try wallet.revocations())
            } catch {
                throw LibraryError(error)
            }
            guard let license = stored.license else {
                throw LibraryError(.notActivated, "no license is installed in \(wallet.directory.path)")
            }
            return try verify { () throws(VerificationError) in
                try wallet.verifier.verify(license, at: now, revocations: stored.revocations)
            }
        }
    }

    /// Verifies the license and this machine's activation at `now`: everything `verifyLicense`
    /// checks, then that the activation is signed by the license's issuer or an ancestor, within
    /// the license's seats and territory, unexpired, and bound to this machine.
    func verifyForMachine(at now: Int64) throws(LibraryError) -> VerifiedLicense {
        let anchor = try requireAnchor(for: "verify")
        switch source {
        case .none:
            throw LibraryError(.invalidArgument, "open a license file or a wallet before you verify")
        case .files(let license, let activation):
            guard let activation else {
                // The license's own verdict comes first: an expired license is expired, activated or not.
                _ = try verifyLicense(at: now)
                throw LibraryError(.notActivated, "the license verifies but no activation of this machine was opened")
            }
            guard let machine else {
                throw LibraryError(.invalidArgument, "name this machine (tollgate_set_machine) before you verify an activation")
            }
            return try verify { () throws(VerificationError) in
                try LicenseVerifier(anchor: anchor).verify(license, at: now, revocations: revocations, activation: activation, machine: machine)
            }
        case .wallet(let wallet):
            do throws(ClientError) {
                return try wallet.check(at: now)
            } catch {
                throw LibraryError(error)
            }
        }
    }

    /// Verifies as ``verifyForMachine(at:)`` does, then that the license's maintenance covers the
    /// product release dated `release` (rule `release_after_maintenance`).
    func verifyRelease(_ release: Int64, at now: Int64) throws(LibraryError) -> VerifiedLicense {
        let verified = try verifyForMachine(at: now)
        let anchor = try requireAnchor(for: "verify")
        return try verify { () throws(VerificationError) in
            try LicenseVerifier(anchor: anchor).checkRelease(release, of: verified)
            return verified
        }
    }

    private func verify(_ body: () throws(VerificationError) -> VerifiedLicense) throws(LibraryError) -> VerifiedLicense {
        do throws(VerificationError) {
            return try body()
        } catch {
            throw LibraryError(error, while: "the license does not verify")
        }
    }
}
