import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateWire

extension MachineWallet {
    /// Installs a node's response, online or from an offline response file, after verifying it:
    ///
    /// - an activation must verify with its license file against the trust anchor at `now`, be bound
    ///   to this machine's key and fingerprint, and be for this wallet's product;
    /// - a deactivation must be signed by the license's issuer or an ancestor, end the activation
    ///   this machine holds or gave back, and carry this machine's own signed request as proof.
    ///
    /// Nothing is written unless every check passes.
    public func install(_ response: ActivationReceipt, at now: Int64) throws(ClientError) -> InstallResult {
        switch response.objectType {
        case Activation.type:
            return .activated(try installActivation(response, at: now))
        case Deactivation.type:
            return .deactivated(try installDeactivation(response))
        case let type:
            throw ClientError(.malformed, "the response carries \(type ?? "no signed object"), expected an activation or a deactivation")
        }
    }

    private func installActivation(_ response: ActivationReceipt, at now: Int64) throws(ClientError) -> VerifiedLicense {
        let known = try revocations()
        let verified: VerifiedLicense
        do throws(VerificationError) {
            verified = try verifier.verify(response.license, at: now, revocations: known, activation: response.activation, machine: identity)
        } catch {
            throw ClientError(error, while: "the activation response does not verify for this machine")
        }
        try checkProduct(verified.license)
        guard let activation = verified.activation else {
            throw ClientError(.malformed, "the activation response carries no activation")
        }
        if let held = try self.activation(), held.hash != activation.hash, held.payload.license != activation.payload.license,
           !Self.hasEnded(held, at: now) {
            throw ClientError(.activationHeld, "this machine holds activation \(held.hash) of another license; deactivate it first")
        }
        // The receipt first: it holds everything, so a crash part-way leaves the full answer on disk.
        try WalletFile.write(try WalletFile.encodeJSON(response, what: "receipt"), to: url(Self.receiptFile), what: "receipt")
        try WalletFile.write(try WalletFile.encodeJSON(response.license, what: "license file"), to: url(Self.licenseFile), what: "license file")
        try WalletFile.write(Data(activation.compact.utf8), to: url(Self.activationFile), what: "activation")
        // The node handed back the very activation this machine was giving back: the seat was not freed.
        if let pending = try pendingDeactivation(), pending.hash == activation.hash {
            try WalletFile.remove(url(Self.deactivatingFile), what: "activation being given back")
        }
        return verified
    }

    private func installDeactivation(_ response: ActivationReceipt) throws(ClientError) -> SignedDeactivation {
        let deactivation: SignedDeactivation
        let chain: [VerifiedCertificate]
        do throws(VerificationError) {
            deactivation = try SignedDeactivation(compact: response.activation, maxBytes: policy.maxObjectBytes)
            chain = try verifier.verifyChain(response.license.chain)
        } catch {
            throw ClientError(error, while: "the deactivation response does not verify")
        }
        let claims = deactivation.payload
        // Whoever may activate the license's seats may record their end: the issuer or an ancestor.
        var authorities: [(keyID: String, key: Ed25519PublicKey)] = [(anchor.keyID, anchor.publicKey)]
        for certificate in chain { authorities.append((certificate.subjectKey.thumbprint, certificate.subjectKey)) }
        guard let signer = authorities.first(where: { $0.keyID == claims.iss }), deactivation.jws.header.kid == claims.iss else {
            throw ClientError(VerificationError(.activatorNotAuthorized, "deactivation", "signed by \(claims.iss), not a node of the license's chain"),
                              while: "the deactivation response does not verify")
        }
        guard deactivation.jws.isSigned(by: signer.key) else {
            throw ClientError(VerificationError(.badSignature, "deactivation", "the signature does not verify with \(signer.keyID)"),
                              while: "the deactivation response does not verify")
        }
        // The same deactivation installed twice changes nothing.
        if let last = try lastDeactivation(), last.compact == deactivation.compact { return last }
        let held = try activation()
        let pending = try pendingDeactivation()
        guard let ended = [pending, held].compactMap({ $0 }).first(where: { $0.hash == claims.activation }) else {
            throw ClientError(.receiptMismatch, "the deactivation ends activation \(claims.activation), which this machine does not hold")
        }
        let proof: SignedMachineRequest
        do throws(VerificationError) {
            proof = try SignedMachineRequest(compact: claims.proof, object: "deactivation proof")
        } catch {
            throw ClientError(.receiptMismatch, "the deactivation's proof is not a machine request: \(error)")
        }
        guard proof.payload.action == .deactivate, proof.payload.activation == ended.hash,
              proof.payload.machineKey == encodedMachineKey, proof.jws.header.kid == machineKey.thumbprint,
              proof.jws.isSigned(by: machineKey) else {
            throw ClientError(.receiptMismatch, "the deactivation's proof is not this machine's signed request to end \(ended.hash)")
        }
        try WalletFile.write(Data(deactivation.compact.utf8), to: url(Self.deactivationFile), what: "deactivation")
        if held?.hash == ended.hash {
            try WalletFile.remove(url(Self.activationFile), what: "activation")
            try WalletFile.remove(url(Self.receiptFile), what: "receipt")
        }
        if pending?.hash == ended.hash {
            try WalletFile.remove(url(Self.deactivatingFile), what: "activation being given back")
        }
        return deactivation
    }

    /// Installs a revocation carried to the machine as a file (an offline machine never asks for
    /// its status): kept only when it concerns the installed license (a certificate of its chain,
    /// or the license lineage itself) and verifies as a revocation against the trust anchor, so
    /// every later check applies it. Installing it twice changes nothing.
    /// - Throws: `.malformed` for text that is not a revocation, `.notActivated` with no license
    ///   installed, `.receiptMismatch` for a revocation of something else, `.verificationFailed`
    ///   naming the rule (`revocation_not_authorized`, `invalid_revocation`) for a bad signer.
    @discardableResult
    public func installRevocation(_ compact: String, at now: Int64) throws(ClientError) -> SignedRevocation {
        let revocation: SignedRevocation
        do throws(VerificationError) {
            revocation = try SignedRevocation(compact: compact, maxBytes: policy.maxObjectBytes)
        } catch {
            throw ClientError(error, while: "the file is not a revocation")
        }
        guard let file = try licenseFile() else {
            throw ClientError(.notActivated, "no license is installed in \(directory.path); install the license before its revocations")
        }
        let license: SignedLicense
        do throws(VerificationError) {
            license = try SignedLicense(compact: file.license, maxBytes: policy.maxObjectBytes)
        } catch {
            throw ClientError(error, while: "the installed license is damaged")
        }
        let concerns = if let lineage = revocation.payload.license {
            lineage == license.hash || lineage == license.payload.renews
        } else {
            file.chain.contains { JWS.hash(of: $0) == revocation.payload.cert }
        }
        guard concerns else {
            let named = revocation.payload.revokedName
            throw ClientError(.receiptMismatch, "the revocation names \(named), neither this machine's license \(HashID.short(license.hash)) "
                              + "nor a certificate of its chain; nothing was stored")
        }
        do throws(VerificationError) {
            _ = try verifier.verify(file, at: now, revocations: [revocation.compact])
        } catch where error.object.hasPrefix("revocation[") {
            throw ClientError(error, while: "the revocation does not verify")
        } catch {
            // It applies (or the license fails for another reason): it is kept either way.
        }
        var kept = try revocations()
        if !kept.contains(revocation.compact) {
            kept.append(revocation.compact)
            try WalletFile.write(try WalletFile.encodeJSON(kept, what: "revocations"), to: url(Self.revocationsFile), what: "revocations")
        }
        return revocation
    }
}
