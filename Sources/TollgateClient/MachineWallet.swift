import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateWire

/// The directory on an end customer's machine that holds everything the embedded client needs to
/// stay licensed offline:
///
/// | file | content |
/// |---|---|
/// | `wallet.json` | product id and the trust anchor's key id |
/// | `anchor.pem` | the vendor's public key (the trust anchor) |
/// | `machine.key` | this machine's Ed25519 key (PKCS#8, mode 0600), made on first use |
/// | `license.json` | the license file (license and certificate chain): the newest of its lineage |
/// | `addons.json` | license files of the add-ons of that lineage |
/// | `activation.jws` | the current activation |
/// | `receipt.json` | the node's response that brought the current activation |
/// | `deactivating.jws` | an activation given back whose deactivation has not come back yet |
/// | `deactivation.jws` | the node's signed record of the last deactivation |
/// | `revocations.json` | revocations of the license or its chain, learned from the node or installed from a file |
/// | `clock.json` | the latest time a check has seen, so a clock set back is caught |
///
/// Nothing is stored before it verifies against the trust anchor and this machine's identity.
public struct MachineWallet {
    /// Mode of the wallet directory: it holds a private key.
    static let directoryMode = 0o700

    public let directory: URL
    public let product: String
    public let anchor: TrustAnchor
    /// This machine's fingerprint for `product`, derived on every open so a copied wallet does not
    /// verify on another machine.
    public let fingerprint: MachineFingerprint
    /// Clock skew and size limits for every verification the wallet runs.
    public var policy: VerificationPolicy
    let key: Ed25519PrivateKey

    /// Opens the wallet in `directory`, creating the machine key if it is missing.
    /// - Throws: `.walletMissing` when the directory is not a wallet, `.machineIDMissing` when the
    ///   machine cannot be fingerprinted.
    public init(at directory: URL, files: SystemFileReader = .live, policy: VerificationPolicy = VerificationPolicy()) throws(ClientError) {
        let manifestURL = directory.appendingPathComponent(Self.manifestFile)
        guard let manifestData = try WalletFile.read(manifestURL, what: "wallet manifest") else {
            throw ClientError(.walletMissing, "\(directory.path) is not a machine wallet (run 'tollgate machine init')")
        }
        let manifest = try WalletFile.decodeJSON(WalletManifest.self, from: manifestData, url: manifestURL, what: "wallet manifest")
        guard manifest.format == WalletManifest.format else {
            throw ClientError(.malformed, "\(manifestURL.path) has format \(manifest.format), expected \(WalletManifest.format)")
        }
        let anchorURL = directory.appendingPathComponent(Self.anchorFile)
        let anchorKey: Ed25519PublicKey
        do {
            anchorKey = try Ed25519PublicKey(contentsOf: anchorURL)
        } catch {
            throw ClientError(.fileAccess, "cannot read the vendor's key \(anchorURL.path): \(error)")
        }
        let anchor = TrustAnchor(publicKey: anchorKey)
        guard anchor.keyID == manifest.anchor else {
            throw ClientError(.walletConflict, "\(anchorURL.path) is key \(anchor.keyID), the wallet was made for \(manifest.anchor)")
        }
        self.directory = directory
        self.product = manifest.product
        self.anchor = anchor
        self.policy = policy
        self.fingerprint = try MachineFingerprint(product: manifest.product, files: files)
        self.key = try Self.machineKey(in: directory)
    }

    /// Makes `directory` a wallet for `product` of the vendor whose key is `anchor`, with a new
    /// machine key. Running it again with the same vendor and product keeps the existing key.
    /// - Throws: `.walletConflict` when the directory already is a wallet for another vendor or product.
    public static func create(at directory: URL, anchor: Ed25519PublicKey, product: String, files: SystemFileReader = .live,
                              policy: VerificationPolicy = VerificationPolicy()) throws(ClientError) -> MachineWallet {
        // Fingerprint first: a machine that cannot be identified gets no wallet.
        _ = try MachineFingerprint(product: product, files: files)
        let manifest = WalletManifest(product: product, anchor: anchor.thumbprint)
        let manifestURL = directory.appendingPathComponent(manifestFile)
        if let existing = try WalletFile.read(manifestURL, what: "wallet manifest") {
            let current = try WalletFile.decodeJSON(WalletManifest.self, from: existing, url: manifestURL, what: "wallet manifest")
            guard current.product == product, current.anchor == manifest.anchor else {
                throw ClientError(.walletConflict, "\(directory.path) already is the wallet of product \(current.product) "
                                  + "under vendor key \(current.anchor); use another directory")
            }
            return try MachineWallet(at: directory, files: files, policy: policy)
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: directoryMode])
        } catch {
            throw ClientError(.fileAccess, "cannot create the wallet directory \(directory.path): \(error.localizedDescription)")
        }
        let pem: String
        do {
            pem = try anchor.pemRepresentation
        } catch {
            throw ClientError(.crypto, "cannot encode the vendor's key: \(error)")
        }
        try WalletFile.write(Data(pem.utf8), to: directory.appendingPathComponent(anchorFile), what: "vendor's key")
        // The manifest goes last: a directory without it is not a wallet yet.
        try WalletFile.write(try WalletFile.encodeJSON(manifest, what: "wallet manifest"), to: manifestURL, what: "wallet manifest")
        return try MachineWallet(at: directory, files: files, policy: policy)
    }

    /// Reads `machine.key`, creating it (mode 0600) the first time.
    private static func machineKey(in directory: URL) throws(ClientError) -> Ed25519PrivateKey {
        let url = directory.appendingPathComponent(keyFile)
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                return try Ed25519PrivateKey(contentsOf: url)
            }
            let key = try Ed25519PrivateKey()
            try key.write(to: url)
            return key
        } catch {
            throw ClientError(.crypto, "cannot use the machine key \(url.path): \(error)")
        }
    }

    // MARK: Identity

    /// This machine's public key.
    public var machineKey: Ed25519PublicKey { key.publicKey }

    /// base64url of the raw machine key, as requests and activations carry it.
    public var encodedMachineKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }

    /// What an activation must be bound to: this machine's key and fingerprint.
    public var identity: MachineIdentity {
        MachineIdentity(machineKey: encodedMachineKey, fingerprint: fingerprint.value)
    }

    /// The offline verifier for this wallet's vendor.
    public var verifier: LicenseVerifier { LicenseVerifier(anchor: anchor, policy: policy) }

    // MARK: Stored objects

    /// The installed license file, if any.
    public func licenseFile() throws(ClientError) -> LicenseFile? {
        guard let data = try WalletFile.read(url(Self.licenseFile), what: "license file") else { return nil }
        do {
            return try LicenseFile(data: data)
        } catch {
            throw ClientError(.malformed, "the stored license file \(url(Self.licenseFile).path) is damaged: \(error)")
        }
    }

    /// The current activation, parsed but not verified (use `check(at:)` for that).
    public func activation() throws(ClientError) -> SignedActivation? {
        try storedActivation(Self.activationFile, what: "activation")
    }

    /// An activation this machine gave back whose deactivation has not been installed yet.
    public func pendingDeactivation() throws(ClientError) -> SignedActivation? {
        try storedActivation(Self.deactivatingFile, what: "activation being given back")
    }

    /// The node's record of the last deactivation of this machine, if any.
    public func lastDeactivation() throws(ClientError) -> SignedDeactivation? {
        guard let text = try WalletFile.readText(url(Self.deactivationFile), what: "deactivation") else { return nil }
        do {
            return try SignedDeactivation(compact: text)
        } catch {
            throw ClientError(.malformed, "the stored deactivation \(url(Self.deactivationFile).path) is damaged: \(error)")
        }
    }

    /// The response that brought the current activation.
    public func receipt() throws(ClientError) -> ActivationReceipt? {
        guard let data = try WalletFile.read(url(Self.receiptFile), what: "receipt") else { return nil }
        return try ActivationReceipt.read(data)
    }

    /// Revocations learned from the node, applied by every check.
    public func revocations() throws(ClientError) -> [String] {
        let location = url(Self.revocationsFile)
        guard let data = try WalletFile.read(location, what: "revocations") else { return [] }
        return try WalletFile.decodeJSON([String].self, from: data, url: location, what: "revocations")
    }

    private func storedActivation(_ name: String, what: String) throws(ClientError) -> SignedActivation? {
        guard let text = try WalletFile.readText(url(name), what: what) else { return nil }
        do {
            return try SignedActivation(compact: text)
        } catch {
            throw ClientError(.malformed, "the stored \(what) \(url(name).path) is damaged: \(error)")
        }
    }

    // MARK: License

    /// Verifies `file` against the trust anchor at `now` and stores it as this machine's license.
    /// - Throws: `.verificationFailed` naming the rule, `.productMismatch` for another product,
    ///   `.activationHeld` while an activation of another license is in use.
    @discardableResult
    public func importLicense(_ file: LicenseFile, at now: Int64) throws(ClientError) -> VerifiedLicense {
        if Self.isAddon(file) { return try installAddon(file, at: now) }
        let known = try revocations()
        let verified: VerifiedLicense
        do throws(VerificationError) {
            verified = try verifier.verify(file, at: now, revocations: known)
        } catch {
            throw ClientError(error, while: "the license does not verify")
        }
        try checkProduct(verified.license)
        if let held = try activation(), !Self.sameLineage(held.payload.license, verified.license), !Self.hasEnded(held, at: now) {
            throw ClientError(.activationHeld, "this machine holds activation \(held.hash) of another license; deactivate it first")
        }
        try checkNewest(verified.license)
        try WalletFile.write(try WalletFile.encodeJSON(file, what: "license file"), to: url(Self.licenseFile), what: "license file")
        try keepAddons(of: verified.license)
        return verified
    }

    /// Adds the revocations among `compacts` that apply to the installed license's chain (those the
    /// verifier does not reject as revocations in themselves), and returns the ones kept.
    @discardableResult
    public func recordRevocations(_ compacts: [String], at now: Int64) throws(ClientError) -> [String] {
        guard let file = try licenseFile() else { return [] }
        var kept = try revocations()
        for compact in compacts where !kept.contains(compact) {
            do throws(VerificationError) {
                _ = try verifier.verify(file, at: now, revocations: [compact])
                kept.append(compact)
            } catch {
                // A revocation that failed as an object is dropped; one that applies (or was not
                // reached because the license fails for another reason) is kept.
                if !error.object.hasPrefix("revocation[") { kept.append(compact) }
            }
        }
        try WalletFile.write(try WalletFile.encodeJSON(kept, what: "revocations"), to: url(Self.revocationsFile), what: "revocations")
        return kept
    }

    // MARK: Check

    /// Verifies the installed license and activation offline at `now`: the chain from the trust
    /// anchor, every certificate and license rule, the known revocations, and that the activation is
    /// bound to this machine's key and fingerprint and has not expired; then the installed add-ons,
    /// whose features it enables beside the license's (``VerifiedLicense/features``). Records `now` as the latest
    /// time seen, and refuses a time before that beyond the clock skew (rule `clock_rolled_back`).
    /// With `release`, the running product version's release date, also that the license's
    /// maintenance covers it (rule `release_after_maintenance`).
    /// - Throws: `.notActivated` when nothing is installed; `.verificationFailed` with the
    ///   `VerificationError` naming the rule that failed.
    public func check(at now: Int64, release: Int64? = nil) throws(ClientError) -> VerifiedLicense {
        guard let file = try licenseFile() else {
            throw ClientError(.notActivated, "no license is installed in \(directory.path)")
        }
        try observeClock(at: now)
        guard let activation = try WalletFile.readText(url(Self.activationFile), what: "activation") else {
            if let pending = try pendingDeactivation() {
                throw ClientError(.notActivated, "this machine gave back activation \(pending.hash); the deactivation has not been installed yet")
            }
            throw ClientError(.notActivated, "the license is installed but this machine is not activated")
        }
        let known = try revocations()
        let addons = try addonFiles()
        do throws(VerificationError) {
            let verified = try verifier.verify(file, addons: addons, at: now, revocations: known, activation: activation, machine: identity)
            if let release { try verifier.checkRelease(release, of: verified) }
            return verified
        } catch {
            throw ClientError(error, while: "the license check failed")
        }
    }

    // MARK: Helpers

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func checkProduct(_ license: SignedLicense) throws(ClientError) {
        guard license.payload.product == product else {
            throw ClientError(.productMismatch, "the license is for product \(license.payload.product), this wallet is for \(product)")
        }
    }

    /// Whether an activation naming `lineage` belongs to `license` (directly or as its renewal).
    static func sameLineage(_ lineage: String, _ license: SignedLicense) -> Bool {
        lineage == license.hash || lineage == license.payload.renews
    }

    static func hasEnded(_ activation: SignedActivation, at now: Int64) -> Bool {
        activation.payload.exp.map { $0 < now } ?? false
    }

    static let manifestFile = "wallet.json"
    static let anchorFile = "anchor.pem"
    static let keyFile = "machine.key"
    static let licenseFile = "license.json"
    static let activationFile = "activation.jws"
    static let receiptFile = "receipt.json"
    static let deactivatingFile = "deactivating.jws"
    static let deactivationFile = "deactivation.jws"
    static let revocationsFile = "revocations.json"
    static let addonsFile = "addons.json"
}

extension MachineWallet: Sendable {}
