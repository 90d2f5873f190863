import TollgateCrypto

/// The offline verifier end customers' software embeds: checks a license file (and optionally an
/// activation) against the vendor's trust anchor, naming the rule and object of any rejection.
public struct LicenseVerifier: Sendable {
    public let anchor: TrustAnchor
    public let policy: VerificationPolicy
    public let cache: VerifiedCertificateCache?
    /// Signatures already verified, shared with whoever else verifies the same objects.
    public let signatures: VerifiedSignatureCache?

    public init(anchor: TrustAnchor, policy: VerificationPolicy = VerificationPolicy(), cache: VerifiedCertificateCache? = nil,
                signatures: VerifiedSignatureCache? = nil) {
        self.anchor = anchor
        self.policy = policy
        self.cache = cache
        self.signatures = signatures
    }

    /// Verifies `jws`'s signature, through the shared record when there is one.
    private func isSigned(_ jws: JWS, by key: Ed25519PublicKey) -> Bool {
        signatures?.isSigned(jws, by: key) ?? jws.isSigned(by: key)
    }

    // MARK: Chain

    /// Verifies a chain of certificates, root first: signatures, issuer alignment, parent hashes and
    /// every attenuation rule.
    public func verifyChain(_ chain: [String]) throws(VerificationError) -> [VerifiedCertificate] {
        guard !chain.isEmpty else { throw VerificationError(.emptyChain, "chain", "no certificate was given") }
        guard chain.count <= policy.maxChainLength else {
            throw VerificationError(.chainTooLong, "chain", "\(chain.count) certificates, the limit is \(policy.maxChainLength)")
        }
        var verified: [VerifiedCertificate] = []
        verified.reserveCapacity(chain.count)
        for (index, compact) in chain.enumerated() {
            let object = "certificate[\(index)]"
            guard compact.utf8.count <= policy.maxObjectBytes else {
                throw VerificationError(.objectTooLarge, object, "\(compact.utf8.count) bytes, the limit is \(policy.maxObjectBytes)")
            }
            let parent = verified.last
            let hash = Base64URL.encode(SHA256Digest.hash(Array(compact.utf8)))
            if let cached = cache?.entry(hash: hash, anchorKeyID: anchor.keyID) {
                // A cached certificate was verified against exactly the parent whose hash it names.
                guard cached.certificate.payload.parent == parent?.hash else {
                    throw VerificationError(.parentMismatch, "\(object) (\(cached.certificate.payload.sub))", "parent hash does not match certificate[\(index - 1)]")
                }
                verified.append(VerifiedCertificate(certificate: cached.certificate, subjectKey: cached.subjectKey))
                continue
            }
            let certificate = try SignedCertificate(compact: compact, object: object, maxBytes: policy.maxObjectBytes)
            let named = "\(object) (\(certificate.payload.sub))"
            let signerKey: Ed25519PublicKey
            let signerKeyID: String
            if let parent {
                signerKey = parent.subjectKey
                signerKeyID = parent.subjectKey.thumbprint
                guard certificate.payload.parent == parent.hash else {
                    throw VerificationError(.parentMismatch, named, "parent hash does not match certificate[\(index - 1)]")
                }
            } else {
                signerKey = anchor.publicKey
                signerKeyID = anchor.keyID
                guard certificate.payload.parent == nil else {
                    throw VerificationError(.parentMismatch, named, "the first certificate is signed by the root and names no parent")
                }
            }
            guard certificate.payload.iss == signerKeyID, certificate.jws.header.kid == signerKeyID else {
                throw VerificationError(.issuerMismatch, named, "iss \(certificate.payload.iss) is not the signer \(signerKeyID)")
            }
            guard isSigned(certificate.jws, by: signerKey) else {
                throw VerificationError(.badSignature, named, "the signature does not verify with \(signerKeyID)")
            }
            if let parent {
                try Attenuation.check(child: certificate.payload, parent: parent.payload, object: named)
            }
            let subjectKey: Ed25519PublicKey
            do {
                subjectKey = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(certificate.payload.subKey))
            } catch {
                throw VerificationError(.invalidField, named, "sub_key is not an Ed25519 public key: \(error)")
            }
            let entry = VerifiedCertificate(certificate: certificate, subjectKey: subjectKey)
            cache?.insert(.init(anchorKeyID: anchor.keyID, certificate: certificate, subjectKey: subjectKey), hash: hash)
            verified.append(entry)
        }
        return verified
    }

    // MARK: License

    /// Verifies a license file at time `now` (Unix seconds), with the revocations known to the caller
    /// and optionally an activation for `machine`.
    public func verify(_ file: LicenseFile, at now: Int64, revocations: [String] = [], activation: String? = nil,
                       machine: MachineIdentity? = nil) throws(VerificationError) -> VerifiedLicense {
        let chain = try verifyChain(file.chain)
        let license = try SignedLicense(compact: file.license, maxBytes: policy.maxObjectBytes)
        return try verify(license, chain: chain, at: now, revocations: revocations, activation: activation, machine: machine)
    }

    /// Verifies a license file as ``verify(_:at:revocations:activation:machine:)`` does, then each of
    /// `addons` against it (``verifyAddon(_:of:at:revocations:)``): those that verify enable their
    /// features beside the license's (``VerifiedLicense/features``); those that do not are listed
    /// with their rule in ``VerifiedLicense/refusedAddons`` and leave the license itself verified,
    /// so an add-on that lapses takes away its own features and nothing else.
    public func verify(_ file: LicenseFile, addons: [LicenseFile], at now: Int64, revocations: [String] = [], activation: String? = nil,
                       machine: MachineIdentity? = nil) throws(VerificationError) -> VerifiedLicense {
        var verified = try verify(file, at: now, revocations: revocations, activation: activation, machine: machine)
        for (index, addon) in addons.enumerated() {
            do {
                verified.addons.append(try verifyAddon(addon, of: verified, at: now, revocations: revocations, object: "add-on[\(index)]"))
            } catch {
                verified.refusedAddons.append(error)
            }
        }
        return verified
    }

    /// Verifies an add-on file on its own (chain, signature, rules, time, revocations) and as an
    /// add-on of `base`, the newest license of its lineage: it names the base's lineage in
    /// `addon_of`, is for the same customer, product and serials, and is signed by the base's
    /// issuer or an ancestor of it (rule `lineage_not_authorized`), since only they sell on those serials.
    public func verifyAddon(_ addon: LicenseFile, of base: VerifiedLicense, at now: Int64, revocations: [String] = [],
                            object: String = "add-on") throws(VerificationError) -> SignedLicense {
        let verified = try verify(addon, at: now, revocations: revocations)
        let claims = verified.license.payload
        let lineage = base.license.lineage
        guard claims.addonOf == lineage else {
            throw VerificationError(.lineageMismatch, object, claims.addonOf == nil ? "it is not an add-on" : "it is an add-on of another license")
        }
        try LicenseRules.checkSuccession(claims, of: base.license.payload, within: verified.chain[verified.chain.count - 1].payload, object: object)
        let authorities = [anchor.keyID] + base.chain.map { $0.subjectKey.thumbprint }
        guard authorities.contains(claims.iss) else {
            throw VerificationError(.lineageNotAuthorized, object, "signed by \(claims.iss), neither the base license's issuer nor an ancestor")
        }
        return verified.license
    }

    /// Verifies a license already parsed (its compact form within the size limit) with the chain
    /// `chain`, root first, exactly as ``verify(_:at:revocations:activation:machine:)`` does a file.
    public func verify(_ license: SignedLicense, chain compactChain: [String], at now: Int64, revocations: [String] = [],
                       activation: String? = nil, machine: MachineIdentity? = nil) throws(VerificationError) -> VerifiedLicense {
        let chain = try verifyChain(compactChain)
        guard license.compact.utf8.count <= policy.maxObjectBytes else {
            throw VerificationError(.objectTooLarge, "license", "\(license.compact.utf8.count) bytes, the limit is \(policy.maxObjectBytes)")
        }
        return try verify(license, chain: chain, at: now, revocations: revocations, activation: activation, machine: machine)
    }

    private func verify(_ license: SignedLicense, chain: [VerifiedCertificate], at now: Int64, revocations: [String],
                        activation: String?, machine: MachineIdentity?) throws(VerificationError) -> VerifiedLicense {
        let leaf = chain[chain.count - 1]
        let object = "license (\(license.payload.customer))"
        guard license.payload.iss == leaf.subjectKey.thumbprint, license.jws.header.kid == license.payload.iss else {
            throw VerificationError(.issuerMismatch, object, "iss \(license.payload.iss) is not the certificate holder \(leaf.subjectKey.thumbprint)")
        }
        guard license.payload.cert == leaf.hash else {
            throw VerificationError(.certificateMismatch, object, "cert does not name the last certificate of the chain")
        }
        guard isSigned(license.jws, by: leaf.subjectKey) else {
            throw VerificationError(.badSignature, object, "the signature does not verify with the certificate holder's key")
        }
        try LicenseRules.check(license.payload, within: leaf.payload, object: object)
        let claims = license.payload
        guard claims.iat <= now + policy.clockSkew, claims.nbf <= now + policy.clockSkew else {
            throw VerificationError(.notYetValid, object, "valid from \(TimeText.iso(max(claims.iat, claims.nbf))), now is \(TimeText.iso(now))")
        }
        var standing = LicenseStanding(claims, certificate: leaf.payload, at: now)
        if standing.state == .expired {
            let end = LicenseStanding.lockTime(of: claims) ?? claims.exp ?? now
            guard now <= end + policy.clockSkew else {
                let grace = end > (claims.exp ?? end) ? " and its grace period ended at \(TimeText.iso(end))" : ""
                throw VerificationError(.expired, object, "expired at \(TimeText.iso(claims.exp ?? end))\(grace), now is \(TimeText.iso(now))")
            }
            // Inside the clock skew past the end it still verifies, as it stood at the end.
            standing = LicenseStanding(claims, certificate: leaf.payload, at: end)
        }
        try checkRevocations(revocations, chain: chain, license: license, at: now)

        var verifiedActivation: SignedActivation?
        if let activation {
            verifiedActivation = try verifyActivation(activation, license: license, chain: chain, at: now, machine: machine)
        }
        return VerifiedLicense(chain: chain, license: license, activation: verifiedActivation, standing: standing)
    }

    /// A revocation applies to one certificate of the chain and must be signed by the trust anchor
    /// or by the holder of a certificate above it. Licenses issued from its effective time on fail.
    /// A license's revocation applies to the license or the lineage it renews, must be signed by its
    /// issuer or an ancestor, and fails the license from its effective time on.
    private func checkRevocations(_ revocations: [String], chain: [VerifiedCertificate], license: SignedLicense,
                                  at now: Int64) throws(VerificationError) {
        for (index, compact) in revocations.enumerated() {
            let object = "revocation[\(index)]"
            let revocation = try SignedRevocation(compact: compact, object: object, maxBytes: policy.maxObjectBytes)
            if let revokedLicense = revocation.payload.license {
                try checkLicenseRevocation(revocation, revokedLicense: revokedLicense, object: object, chain: chain, license: license, at: now)
                continue
            }
            guard let revokedIndex = chain.firstIndex(where: { $0.hash == revocation.payload.cert }) else { continue }
            var ancestors: [(keyID: String, key: Ed25519PublicKey)] = [(anchor.keyID, anchor.publicKey)]
            for ancestor in chain[..<revokedIndex] { ancestors.append((ancestor.subjectKey.thumbprint, ancestor.subjectKey)) }
            guard let signer = ancestors.first(where: { $0.keyID == revocation.payload.iss }) else {
                throw VerificationError(.invalidRevocation, object, "signed by \(revocation.payload.iss), which is not an ancestor of certificate[\(revokedIndex)]")
            }
            guard isSigned(revocation.jws, by: signer.key), revocation.jws.header.kid == signer.keyID else {
                throw VerificationError(.invalidRevocation, object, "the signature does not verify with \(signer.keyID)")
            }
            if license.payload.iat >= revocation.payload.effective {
                let subject = chain[revokedIndex].payload.sub
                throw VerificationError(.revoked, "license (\(license.payload.customer))",
                                        "issued at \(TimeText.iso(license.payload.iat)), certificate[\(revokedIndex)] (\(subject)) was revoked from \(TimeText.iso(revocation.payload.effective)): \(revocation.payload.reason)")
            }
        }
    }

    /// The issuer (the leaf certificate's holder) and every ancestor up to the trust anchor may
    /// revoke a license; revocations of other licenses are ignored.
    private func checkLicenseRevocation(_ revocation: SignedRevocation, revokedLicense: String, object: String, chain: [VerifiedCertificate],
                                        license: SignedLicense, at now: Int64) throws(VerificationError) {
        // An add-on falls with the base lineage it adds to.
        guard revokedLicense == license.hash || revokedLicense == license.payload.renews || revokedLicense == license.payload.addonOf else { return }
        var authorities: [(keyID: String, key: Ed25519PublicKey)] = [(anchor.keyID, anchor.publicKey)]
        for certificate in chain { authorities.append((certificate.subjectKey.thumbprint, certificate.subjectKey)) }
        guard let signer = authorities.first(where: { $0.keyID == revocation.payload.iss }) else {
            throw VerificationError(.revocationNotAuthorized, object, "signed by \(revocation.payload.iss), neither the license's issuer nor an ancestor")
        }
        guard isSigned(revocation.jws, by: signer.key), revocation.jws.header.kid == signer.keyID else {
            throw VerificationError(.revocationNotAuthorized, object, "the signature does not verify with \(signer.keyID)")
        }
        if now >= revocation.payload.effective {
            throw VerificationError(.licenseRevoked, "license (\(license.payload.customer))",
                                    "revoked from \(TimeText.iso(revocation.payload.effective)) (\(revocation.payload.reason)) by revocation \(HashID.short(revocation.hash))")
        }
    }

    // MARK: Maintenance

    /// Whether the product release dated `releasedAt` (Unix seconds, the running version's release
    /// date) may run under `verified`: any release for a license without `updates_until`, else one
    /// released on or before it (`release_after_maintenance`). Older releases run for ever
    /// (perpetual fallback); no clock skew applies, since both dates are the vendor's.
    public func checkRelease(_ releasedAt: Int64, of verified: VerifiedLicense) throws(VerificationError) {
        let claims = verified.license.payload
        guard let updatesUntil = claims.updatesUntil, releasedAt > updatesUntil else { return }
        throw VerificationError(.releaseAfterMaintenance, "license (\(claims.customer))",
                                "the release of \(TimeText.iso(releasedAt)) is after the maintenance end \(TimeText.iso(updatesUntil)); "
                                + "releases up to \(TimeText.iso(updatesUntil)) still run")
    }

    // MARK: Activation

    private func verifyActivation(_ compact: String, license: SignedLicense, chain: [VerifiedCertificate], at now: Int64,
                                  machine: MachineIdentity?) throws(VerificationError) -> SignedActivation {
        let activation = try SignedActivation(compact: compact, maxBytes: policy.maxObjectBytes)
        let claims = activation.payload
        let object = "activation (serial \(claims.serial))"
        // Activations name the first license of a lineage; a renewal names that license in `renews`.
        let namesRenewedLineage = license.payload.renews != nil && claims.license == license.payload.renews
        guard claims.license == license.hash || namesRenewedLineage else {
            throw VerificationError(.licenseMismatch, object, "it names another license")
        }
        // The issuer of the license activates its seats; an ancestor may take over a revoked issuer's seats.
        var authorities: [(keyID: String, key: Ed25519PublicKey)] = [(anchor.keyID, anchor.publicKey)]
        for certificate in chain { authorities.append((certificate.subjectKey.thumbprint, certificate.subjectKey)) }
        guard let signer = authorities.first(where: { $0.keyID == claims.iss }), activation.jws.header.kid == claims.iss else {
            throw VerificationError(.activatorNotAuthorized, object, "signed by \(claims.iss), neither the license issuer nor an ancestor")
        }
        guard isSigned(activation.jws, by: signer.key) else {
            throw VerificationError(.badSignature, object, "the signature does not verify with \(signer.keyID)")
        }
        guard license.payload.seats.contains(claims.serial) else {
            throw VerificationError(.serialOutsideLicense, object, "serial \(claims.serial) is not in the license's \(license.payload.seats)")
        }
        guard license.payload.territory.contains(claims.country) else {
            throw VerificationError(.activationOutsideTerritory, object, "activated in \(claims.country), the territory is \(license.payload.territory.joined(separator: ","))")
        }
        guard namesRenewedLineage || claims.iat >= license.payload.iat else {
            throw VerificationError(.activationBeforeLicense, object, "activated at \(TimeText.iso(claims.iat)), before the license was issued at \(TimeText.iso(license.payload.iat))")
        }
        if let machine {
            guard machine.machineKey == claims.machineKey else {
                throw VerificationError(.machineMismatch, object, "bound to another machine key")
            }
            if let fingerprint = machine.fingerprint, fingerprint != claims.fingerprint {
                throw VerificationError(.machineMismatch, object, "bound to another machine fingerprint")
            }
        }
        if let exp = claims.exp, now > exp + policy.clockSkew {
            throw VerificationError(.activationExpired, object, "expired at \(TimeText.iso(exp)), now is \(TimeText.iso(now))")
        }
        if let exp = license.payload.exp, claims.iat > exp {
            throw VerificationError(.activationExpired, object, "activated at \(TimeText.iso(claims.iat)), after the license expired at \(TimeText.iso(exp))")
        }
        if let overUse = claims.overUse, license.payload.enforcementPolicy != .lenient {
            throw VerificationError(.overUseNotAllowed, object, "it is over-use \(overUse) beyond the license's \(license.payload.seats.count) seat(s), "
                                    + "and the license's enforcement is \(license.payload.enforcement ?? "strict")")
        }
        let limits = chain[chain.count - 1].payload.emergencyLimits
        if claims.kind == .temporary, let exp = claims.exp, exp - claims.iat > limits.maxSeconds {
            throw VerificationError(.emergencyTooLong, object, "it lasts \(exp - claims.iat) s, the certificate allows emergencies of \(limits.maxSeconds) s")
        }
        return activation
    }
}
