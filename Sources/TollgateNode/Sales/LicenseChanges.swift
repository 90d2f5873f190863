import TollgateCertificates
import TollgateWire

/// Changes to a sold license, each a new signed license by the issuer that follows the newest
/// license of its lineage: an upgrade or downgrade (`supersedes`), an add-on (`addon_of`) or a
/// trial's conversion (`converts`). Upgrades and conversions continue the lineage (`renews`), so
/// the machines activated under it stay activated and pick the new license up from the status.
struct LicenseChanges: LineageFollower {
    let context: NodeContext
    let holdings: CertificateHoldings
    let freshness: SyncFreshness

    /// See ``LicensingNode/change(licenseHash:_:at:)``.
    func change(licenseHash: String, _ request: LicenseChangeRequest, at now: Int64) throws(NodeError) -> LicenseFile {
        guard let named = try storage({ try store.license(hash: licenseHash) }),
              let current = try storage({ try store.currentLicense(hash: licenseHash) }),
              let lineage = try storage({ try store.lineage(of: licenseHash) }) else {
            throw NodeError(.notFound, "license \(HashID.short(licenseHash)) was not issued by this node; only its issuer changes a license")
        }
        guard named.payload.addonOf == nil else {
            throw NodeError(.invalidRequest, "license \(HashID.short(named.hash)) is an add-on; upgrade, add to or convert its base license \(HashID.short(named.payload.addonOf ?? ""))")
        }
        let old = current.payload
        if let revocation = try storage({ try store.licenseRevocations(lineage: lineage) }).first(where: { $0.payload.effective <= now }) {
            throw NodeError(.licenseInvalid, "license \(HashID.short(lineage)) (\(old.customer)) is revoked from \(TimeText.iso(revocation.payload.effective)) "
                            + "(\(revocation.payload.reason)); it takes no change", rule: .licenseRevoked)
        }
        let held = try holdings.heldCertificate(matching: old.cert)
        var payload = try proposal(request, following: current, lineage: lineage, under: held.payload, at: now)
        payload.iss = identity.keyID
        payload.cert = held.hash
        let object = request.kind == .addon ? "add-on" : request.kind == .convert ? "conversion" : "upgrade"
        do {
            try payload.validateFields(object: object)
            try LicenseRules.check(payload, within: held.payload, object: object)
            try LicenseRules.checkSuccession(payload, of: old, within: held.payload, object: object)
        } catch {
            throw NodeError(error.rule == .invalidField ? .invalidRequest : .ruleViolation, error)
        }
        return try record(payload, as: .licenseChanged, under: held, at: now)
    }

    /// The new license's claims (issuer, certificate and log index filled in by the caller).
    private func proposal(_ request: LicenseChangeRequest, following current: SignedLicense, lineage: String,
                          under certificate: AllocationCertificate, at now: Int64) throws(NodeError) -> License {
        let old = current.payload
        var license = License(iss: "", cert: "", seats: old.seats, customer: old.customer, country: old.country, territory: old.territory,
                              product: old.product, features: old.features, model: old.model, price: request.price, iat: now, nbf: now,
                              exp: old.exp, logIndex: 0, jti: ids.make(), tier: old.tier, expiry: old.expiry,
                              updatesUntil: old.updatesUntil, enforcement: old.enforcement)
        switch request.kind {
        case .supersede:
            try requireRunning(old, at: now, to: "upgrade or downgrade")
            let (features, tier) = try featureSet(request, product: old.product, under: certificate)
            guard Set(features) != Set(old.features) else {
                throw NodeError(.invalidRequest, "license \(HashID.short(current.hash)) already has exactly \(features.joined(separator: ",")); nothing to upgrade or downgrade")
            }
            license.features = features.sorted()
            license.tier = tier
            license.renews = lineage
            license.supersedes = current.hash
        case .addon:
            try requireRunning(old, at: now, to: "add to")
            guard let features = request.features, !features.isEmpty else {
                throw NodeError(.invalidRequest, "an add-on names the features it adds")
            }
            let already = Set(features).intersection(old.features)
            guard already.isEmpty else {
                throw NodeError(.invalidRequest, "license \(HashID.short(current.hash)) already has \(already.sorted().joined(separator: ",")); an add-on adds features it lacks")
            }
            license.features = features.sorted()
            license.tier = nil
            license.expiry = nil
            license.addonOf = lineage
        case .convert:
            guard old.model == TrialAllowance.model else {
                throw NodeError(.ruleViolation, "license \(HashID.short(current.hash)) is a \(old.model) license, not a trial; only a trial converts",
                                rule: .lineageMismatch)
            }
            let model = request.model ?? "subscription"
            guard model != TrialAllowance.model else { throw NodeError(.invalidRequest, "a conversion is a paid license; give a model other than trial") }
            guard model == "perpetual" || request.exp != nil else {
                throw NodeError(.invalidRequest, "a \(model) conversion needs its end (exp)")
            }
            if let exp = request.exp, exp <= now { throw NodeError(.invalidRequest, "the conversion's end \(TimeText.iso(exp)) is not after now") }
            if request.features != nil || request.tier != nil {
                let (features, tier) = try featureSet(request, product: old.product, under: certificate)
                license.features = features.sorted()
                license.tier = tier
            }
            license.model = model
            license.exp = model == "perpetual" ? nil : request.exp
            license.expiry = nil
            license.renews = lineage
            license.converts = current.hash
        }
        return license
    }

    /// The feature set a change names: a tier's, or a list.
    private func featureSet(_ request: LicenseChangeRequest, product: String, under certificate: AllocationCertificate) throws(NodeError) -> ([String], String?) {
        if let tier = request.tier {
            guard let features = certificate.features(ofTier: tier, product: product) else {
                throw NodeError(.ruleViolation, "tier \(tier) of \(product) is not in the certificate", rule: .tierNotAllowed)
            }
            return (features, tier)
        }
        guard let features = request.features else { throw NodeError(.invalidRequest, "name the new tier or feature set") }
        return (features, nil)
    }

    private func requireRunning(_ license: License, at now: Int64, to verb: String) throws(NodeError) {
        if let exp = license.exp, exp <= now {
            throw NodeError(.licenseInvalid, "the license ended at \(TimeText.iso(exp)); renew it before you \(verb) it", rule: .expired)
        }
    }
}
