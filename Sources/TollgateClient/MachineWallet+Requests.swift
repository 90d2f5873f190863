import Foundation
import TollgateCertificates
import TollgateCrypto

extension MachineWallet {
    /// Signs a machine request with this machine's key: the JWS `kid` is the key's thumbprint,
    /// `machine_key` and `fingerprint` name this machine, and a fresh random nonce makes every
    /// request unique so a node recognises a replay.
    /// - Parameters:
    ///   - license: hash of the license the request is about.
    ///   - activation: for `deactivate` and `emergency`, hash of the activation concerned.
    ///   - country: ISO 3166-1 alpha-2 code of where the machine is.
    /// - Returns: the compact JWS, which is also the content of an offline request file.
    public func makeRequest(action: MachineRequest.Action, license: String, activation: String? = nil, country: String,
                            platform: String = MachinePlatform.current, at now: Int64) throws(ClientError) -> String {
        let nonce: String
        do {
            nonce = Base64URL.encode(try SecureRandom.bytes(count: 16))
        } catch {
            throw ClientError(.crypto, "cannot make a nonce: \(error)")
        }
        let payload = MachineRequest(action: action, license: license, activation: activation, machineKey: encodedMachineKey,
                                     fingerprint: fingerprint.value, platform: platform, country: country, iat: now, nonce: nonce)
        do throws(VerificationError) {
            try payload.validateFields(object: MachineRequest.noun)
        } catch {
            throw ClientError(.invalidArgument, "cannot make the \(action.rawValue) request: \(error.reason)")
        }
        do {
            return try SignedMachineRequest.sign(payload, with: key).compact
        } catch {
            throw ClientError(.crypto, "cannot sign the \(action.rawValue) request: \(error)")
        }
    }

    /// A request for a seat of the installed license.
    public func activationRequest(country: String, platform: String = MachinePlatform.current, at now: Int64) throws(ClientError) -> String {
        let file = try requireLicense(for: "activate")
        return try makeRequest(action: .activate, license: JWS.hash(of: file.license), country: country, platform: platform, at: now)
    }

    /// A request for a short temporary seat standing in for `failedActivation`, the activation of a
    /// machine of the same license that has failed.
    public func emergencyRequest(replacing failedActivation: String, country: String, platform: String = MachinePlatform.current,
                                 at now: Int64) throws(ClientError) -> String {
        let file = try requireLicense(for: "ask for an emergency activation")
        guard !failedActivation.isEmpty else {
            throw ClientError(.invalidArgument, "name the failed machine's activation hash")
        }
        return try makeRequest(action: .emergency, license: JWS.hash(of: file.license), activation: failedActivation,
                               country: country, platform: platform, at: now)
    }

    /// Gives this machine's seat back: signs the `deactivate` request for the current activation and
    /// stops using that activation at once (it moves to `deactivating.jws`), since the signed request
    /// is the proof that frees the seat. Calling it again while the deactivation is pending signs a
    /// fresh request for the same activation.
    public func deactivationRequest(platform: String = MachinePlatform.current, at now: Int64) throws(ClientError) -> (request: String, activation: SignedActivation) {
        let current = try activation()
        let pending = current == nil ? try pendingDeactivation() : nil
        guard let target = current ?? pending else {
            throw ClientError(.notActivated, "this machine holds no activation to give back")
        }
        // The activation names its license lineage, which the issuing node always knows.
        let request = try makeRequest(action: .deactivate, license: target.payload.license, activation: target.hash,
                                      country: target.payload.country, platform: platform, at: now)
        if current != nil {
            try WalletFile.write(Data(target.compact.utf8), to: url(Self.deactivatingFile), what: "activation being given back")
            try WalletFile.remove(url(Self.activationFile), what: "activation")
            try WalletFile.remove(url(Self.receiptFile), what: "receipt")
        }
        return (request, target)
    }

    func requireLicense(for purpose: String) throws(ClientError) -> LicenseFile {
        guard let file = try licenseFile() else {
            throw ClientError(.notActivated, "no license is installed in \(directory.path); give the license file to \(purpose)")
        }
        return file
    }
}
