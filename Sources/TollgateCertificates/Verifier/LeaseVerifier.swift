import TollgateCrypto

/// The offline check of a floating seat: vendor → certificate → license → (site activation) →
/// lease. The license verifies as ``LicenseVerifier`` checks it and is floating; a site's lease comes
/// with the license's site activation, which binds the site's key; the lease is signed by the
/// license's issuer or that site, names the license and a serial of it, is held by the machine
/// checking it, is in force now and no longer than the license allows. Each refusal names its rule.
public struct LeaseVerifier: Sendable {
    public let verifier: LicenseVerifier

    public init(_ verifier: LicenseVerifier) {
        self.verifier = verifier
    }

    /// Verifies `lease` (compact) for the machine whose key is `machineKey` at `now`. A lease's
    /// start gets the policy's clock skew; its end gets none: the server frees the seat at `exp`,
    /// so a machine holding it longer would hold a seat someone else may have.
    public func verify(lease compact: String, file: LicenseFile, siteActivation: String? = nil, machineKey: String, at now: Int64,
                       revocations: [String] = []) throws(VerificationError) -> VerifiedLease {
        let lease = try SignedLease(compact: compact, maxBytes: verifier.policy.maxObjectBytes)
        let claims = lease.payload
        let object = "lease (serial \(claims.serial))"
        let license: VerifiedLicense
        if claims.site != nil {
            guard let siteActivation else {
                throw VerificationError(.siteActivationInvalid, object, "signed by a site, but no site activation was given")
            }
            license = try verifier.verify(file, at: now, revocations: revocations, activation: siteActivation)
        } else {
            license = try verifier.verify(file, at: now, revocations: revocations)
        }
        let licenseClaims = license.license.payload
        guard licenseClaims.model == FloatingTerms.model, let terms = licenseClaims.floating else {
            throw VerificationError(.licenseNotFloating, "license (\(licenseClaims.customer))", "the model is \(licenseClaims.model), leases are for floating licenses")
        }
        let lineage = licenseClaims.renews ?? license.license.hash
        guard claims.license == lineage else {
            throw VerificationError(.leaseLicenseMismatch, object, "it names another license")
        }
        let signer: Ed25519PublicKey
        var site: SignedActivation?
        if let siteHash = claims.site {
            guard let activation = license.activation, activation.payload.kind == .site, activation.hash == siteHash else {
                throw VerificationError(.siteActivationInvalid, object, "the site activation given is not the site activation \(HashID.short(siteHash)) the lease names")
            }
            do {
                signer = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(activation.payload.machineKey))
            } catch {
                throw VerificationError(.siteActivationInvalid, object, "the site activation's machine_key is not an Ed25519 public key")
            }
            site = activation
        } else {
            signer = license.chain[license.chain.count - 1].subjectKey
        }
        guard claims.iss == signer.thumbprint, lease.jws.header.kid == claims.iss else {
            throw VerificationError(.leaseSignerNotAuthorized, object, "signed by \(claims.iss), which is not the license's lease server \(signer.thumbprint)")
        }
        guard verifier.signatures?.isSigned(lease.jws, by: signer) ?? lease.jws.isSigned(by: signer) else {
            throw VerificationError(.badSignature, object, "the signature does not verify with the lease server's key \(signer.thumbprint)")
        }
        guard licenseClaims.seats.contains(claims.serial) else {
            throw VerificationError(.leaseSerialOutsideLicense, object, "serial \(claims.serial) is not in the license's \(licenseClaims.seats)")
        }
        guard claims.machineKey == machineKey else {
            throw VerificationError(.leaseMachineMismatch, object, "held by another machine key")
        }
        switch claims.kind {
        case .lease:
            guard claims.length <= terms.lease else {
                throw VerificationError(.leaseTooLong, object, "it lasts \(TimeText.duration(claims.length)), the license's leases last at most \(TimeText.duration(terms.lease))")
            }
        case .borrow:
            guard claims.length <= terms.borrow else {
                throw VerificationError(.borrowTooLong, object, "it lasts \(TimeText.duration(claims.length)), the license allows borrows of at most \(TimeText.duration(terms.borrow))")
            }
        }
        guard claims.nbf <= now + verifier.policy.clockSkew else {
            throw VerificationError(.leaseNotYetValid, object, "valid from \(TimeText.iso(claims.nbf)), now is \(TimeText.iso(now))")
        }
        guard now < claims.exp else {
            throw VerificationError(.leaseExpired, object, "expired at \(TimeText.iso(claims.exp)), now is \(TimeText.iso(now)); heartbeat or lease again")
        }
        return VerifiedLease(license: license, lease: lease, siteActivation: site, secondsLeft: claims.exp - now)
    }
}
