import Foundation
import TollgateCertificates
import TollgateWire

extension MachineWallet {
    /// The installed add-ons of the license's lineage, as license files.
    public func addonFiles() throws(ClientError) -> [LicenseFile] {
        let location = url(Self.addonsFile)
        guard let data = try WalletFile.read(location, what: "add-ons") else { return [] }
        return try WalletFile.decodeJSON([LicenseFile].self, from: data, url: location, what: "add-ons")
    }

    /// Verifies `file` as an add-on of the installed license (the newest of its lineage) and keeps
    /// it beside that license; installing it twice changes nothing. Returns the installed license
    /// verified with every add-on, so the caller sees the features now enabled.
    /// - Throws: `.notActivated` with no license installed, `.verificationFailed` naming the rule
    ///   (`lineage_mismatch` for an add-on of another license, `lineage_not_authorized`, `expired`…).
    @discardableResult
    public func installAddon(_ file: LicenseFile, at now: Int64) throws(ClientError) -> VerifiedLicense {
        guard let base = try licenseFile() else {
            throw ClientError(.notActivated, "no license is installed in \(directory.path); install the base license before its add-ons")
        }
        let known = try revocations()
        var kept = try addonFiles()
        do throws(VerificationError) {
            let verifiedBase = try verifier.verify(base, at: now, revocations: known)
            let addon = try verifier.verifyAddon(file, of: verifiedBase, at: now, revocations: known)
            if !kept.contains(where: { JWS.hash(of: $0.license) == addon.hash }) { kept.append(file) }
        } catch {
            throw ClientError(error, while: "the add-on does not verify for the installed license")
        }
        try WalletFile.write(try WalletFile.encodeJSON(kept, what: "add-ons"), to: url(Self.addonsFile), what: "add-ons")
        do throws(VerificationError) {
            return try verifier.verify(base, addons: kept, at: now, revocations: known)
        } catch {
            throw ClientError(error, while: "the installed license does not verify")
        }
    }

    /// Refuses `license` when the installed license of its lineage is newer (it renews or
    /// supersedes the one offered): the wallet always holds the newest, so a superseded license
    /// cannot bring back features an upgrade or downgrade took away.
    func checkNewest(_ license: SignedLicense) throws(ClientError) {
        guard let file = try licenseFile(), let installed = try? SignedLicense(compact: file.license), installed.hash != license.hash,
              installed.lineage == license.lineage else { return }
        let newer = (installed.payload.iat, installed.payload.logIndex) > (license.payload.iat, license.payload.logIndex)
        if newer {
            throw ClientError(.supersededLicense, "license \(HashID.short(license.hash)) is older than the installed \(HashID.short(installed.hash)) "
                              + "of the same lineage, which replaces it; nothing was changed")
        }
    }

    /// Drops the add-ons that do not add to `license`'s lineage (after a license of another lineage
    /// is installed).
    func keepAddons(of license: SignedLicense) throws(ClientError) {
        let addons = try addonFiles()
        guard !addons.isEmpty else { return }
        let lineage = license.lineage
        let kept = addons.filter { (try? SignedLicense(compact: $0.license))?.payload.addonOf == lineage }
        guard kept.count != addons.count else { return }
        try WalletFile.write(try WalletFile.encodeJSON(kept, what: "add-ons"), to: url(Self.addonsFile), what: "add-ons")
    }

    /// Whether `file` holds an add-on (`addon_of`), which the wallet keeps beside the license.
    static func isAddon(_ file: LicenseFile) -> Bool {
        (try? SignedLicense(compact: file.license))?.payload.addonOf != nil
    }
}

extension MachineWallet {
    /// Installs what a node's status brings (``ActivationClient/status(nodeURL:)``): the newest
    /// license of the installed lineage when it is not the installed one (a renewal, upgrade,
    /// downgrade or conversion), then the lineage's add-ons not held yet, each only once it verifies
    /// here. One that does not verify is left out, and the status's `valid` and `problem` say why;
    /// the activation is kept either way, since it names the lineage. Returns the hashes installed.
    @discardableResult
    public func adopt(_ status: LicenseStatus, at now: Int64) throws(ClientError) -> [String] {
        var installed: [String] = []
        if let file = status.file, let held = try licenseFile(), JWS.hash(of: held.license) != JWS.hash(of: file.license),
           JWS.hash(of: file.license) == status.current {
            do throws(ClientError) {
                try importLicense(file, at: now)
                installed.append(status.current)
            } catch where error.code == .verificationFailed || error.code == .supersededLicense || error.code == .activationHeld {
                // Reported by the status itself; the installed license stays.
            }
        }
        let held = Set(try addonFiles().map { JWS.hash(of: $0.license) })
        for addon in status.addons ?? [] where !held.contains(JWS.hash(of: addon.license)) {
            do throws(ClientError) {
                try installAddon(addon, at: now)
                installed.append(JWS.hash(of: addon.license))
            } catch where error.code == .verificationFailed {
                // An add-on that lapsed or was revoked enables nothing; it is not kept.
            }
        }
        return installed
    }
}
