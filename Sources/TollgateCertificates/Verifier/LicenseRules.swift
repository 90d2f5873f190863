/// The rules a license must meet inside its issuing certificate. Used by the verifier and, before
/// signing, by issuance.
public enum LicenseRules {
    /// Throws the first rule `license` breaks against `certificate`.
    public static func check(_ license: License, within certificate: AllocationCertificate, object: String = "license") throws(VerificationError) {
        guard certificate.seats.contains(license.seats) else {
            throw VerificationError(.seatsOutsideCertificate, object, "seats \(license.seats) leave the certificate's \(certificate.seats)")
        }
        guard certificate.countries.contains(license.country) else {
            throw VerificationError(.countryNotAllowed, object, "sold in \(license.country), the certificate allows \(certificate.countries.joined(separator: ","))")
        }
        let outside = Set(license.territory).subtracting(certificate.countries)
        guard outside.isEmpty else {
            throw VerificationError(.territoryNotAllowed, object, "territory \(outside.sorted().joined(separator: ",")) is not in the certificate")
        }
        guard let features = certificate.products[license.product] else {
            throw VerificationError(.productNotAllowed, object, "product \(license.product) is not in the certificate")
        }
        let extraFeatures = Set(license.features).subtracting(features)
        guard extraFeatures.isEmpty else {
            throw VerificationError(.featureNotAllowed, object, "features \(extraFeatures.sorted().joined(separator: ",")) are not allowed for \(license.product)")
        }
        if let tier = license.tier {
            guard let tierFeatures = certificate.features(ofTier: tier, product: license.product) else {
                throw VerificationError(.tierNotAllowed, object, "tier \(tier) of \(license.product) is not in the certificate")
            }
            guard Set(tierFeatures) == Set(license.features) else {
                throw VerificationError(.tierMismatch, object, "features \(license.features.joined(separator: ",")) are not tier \(tier)'s \(tierFeatures.joined(separator: ","))")
            }
        }
        if let downgrade = license.expiry?.downgradeTier, certificate.features(ofTier: downgrade, product: license.product) == nil {
            throw VerificationError(.downgradeTierNotAllowed, object, "expiry downgrades to tier \(downgrade) of \(license.product), which is not in the certificate")
        }
        guard certificate.models.contains(license.model) else {
            throw VerificationError(.modelNotAllowed, object, "model \(license.model) is not in the certificate")
        }
        try checkFloating(license, within: certificate, object: object)
        try checkTerms(license, within: certificate, object: object)
        guard let floor = certificate.priceFloor[license.price.currency] else {
            throw VerificationError(.currencyNotAllowed, object, "currency \(license.price.currency) has no floor in the certificate")
        }
        try checkPrice(license, floor: floor, within: certificate, object: object)
        guard license.iat >= certificate.nbf, license.iat <= certificate.exp else {
            throw VerificationError(.issuedOutsideWindow, object, "issued at \(license.iat), outside the certificate's [\(certificate.nbf), \(certificate.exp)]")
        }
        if license.model == "perpetual" {
            guard license.exp == nil else {
                throw VerificationError(.invalidField, object, "a perpetual license carries no exp")
            }
        } else if license.exp == nil {
            throw VerificationError(.expiryRequired, object, "a \(license.model) license must carry exp")
        }
    }

    /// Which floor binds the price: an upgrade's price is a difference, checked against the license
    /// it supersedes by ``checkSuccession(_:of:within:object:)``; an add-on pays the feature floors
    /// of what it adds; a trial the certificate grants is free but no longer than its `trials.days`;
    /// every other license pays the price floor.
    static func checkPrice(_ license: License, floor: Int64, within certificate: AllocationCertificate, object: String) throws(VerificationError) {
        if license.supersedes != nil { return }
        if license.addonOf != nil {
            let required = certificate.featureFloor(of: license.features, currency: license.price.currency)
            guard license.price.amount >= required else {
                throw VerificationError(.addonBelowFloor, object, "add-on price \(license.price) is below the feature floors "
                                        + "\(Price(currency: license.price.currency, amount: required)) of \(license.features.joined(separator: ","))")
            }
            return
        }
        if license.model == TrialAllowance.model, let trials = certificate.trials {
            let length = (license.exp ?? ObjectLimits.latestTime) - license.nbf
            guard length <= trials.seconds else {
                throw VerificationError(.trialTooLong, object, "the trial lasts \(TimeText.duration(length)), the certificate allows trials of \(trials.days) days")
            }
            return
        }
        guard license.price.amount >= floor else {
            throw VerificationError(.priceBelowFloor, object, "price \(license.price) is below the floor \(Price(currency: license.price.currency, amount: floor))")
        }
    }

    /// The rules an upgrade, downgrade, add-on or conversion meets against the license it follows
    /// (`previous`, for an add-on the base's current license), beside ``check(_:within:object:)``:
    /// the same customer, serials and product, the right kind of predecessor, and for an upgrade a
    /// price of at least the feature floors of the features it adds (per seat). A downgrade adds
    /// none, so it may be free. Used by issuance and by the audit, which hold both licenses.
    public static func checkSuccession(_ license: License, of previous: License, within certificate: AllocationCertificate,
                                       object: String = "license") throws(VerificationError) {
        guard license.customer == previous.customer else {
            throw VerificationError(.lineageMismatch, object, "it is for customer \(license.customer), the license it follows is \(previous.customer)'s")
        }
        guard license.seats == previous.seats else {
            throw VerificationError(.lineageMismatch, object, "its serials \(license.seats) are not the \(previous.seats) of the license it follows")
        }
        guard license.product == previous.product else {
            throw VerificationError(.lineageMismatch, object, "it is for product \(license.product), the license it follows for \(previous.product)")
        }
        if license.converts != nil, previous.model != TrialAllowance.model {
            throw VerificationError(.lineageMismatch, object, "it converts a \(previous.model) license, which is not a trial")
        }
        if license.addonOf != nil || license.supersedes != nil, previous.addonOf != nil {
            throw VerificationError(.lineageMismatch, object, "it follows an add-on; upgrades and add-ons follow a base license")
        }
        guard license.supersedes != nil else { return }
        let added = Set(license.features).subtracting(previous.features)
        let required = certificate.featureFloor(of: added, currency: license.price.currency)
        guard license.price.amount >= required else {
            throw VerificationError(.upgradeBelowFloor, object, "upgrade price \(license.price) is below the feature floors "
                                    + "\(Price(currency: license.price.currency, amount: required)) of the added \(added.sorted().joined(separator: ","))")
        }
    }

    /// The enforcement policy is one the certificate grants; maintenance ends inside its window, so
    /// a child, whose window lies inside its parent's, never grants maintenance its parent could not.
    static func checkTerms(_ license: License, within certificate: AllocationCertificate, object: String) throws(VerificationError) {
        let granted = certificate.enforcementPolicies
        guard let policy = license.enforcementPolicy, granted.contains(policy) else {
            throw VerificationError(.enforcementNotAllowed, object, "enforcement \(license.enforcement ?? "strict") is not granted by the certificate, which grants "
                                    + granted.map(\.rawValue).sorted().joined(separator: ","))
        }
        if let updatesUntil = license.updatesUntil, updatesUntil > certificate.exp {
            throw VerificationError(.maintenanceOutsideCertificate, object, "updates_until \(TimeText.iso(updatesUntil)) is after the certificate's end \(TimeText.iso(certificate.exp))")
        }
    }

    /// A floating license carries its lease and borrow lengths, within the certificate's; no other
    /// license carries any.
    static func checkFloating(_ license: License, within certificate: AllocationCertificate, object: String) throws(VerificationError) {
        guard license.model == FloatingTerms.model else {
            guard license.floating == nil else {
                throw VerificationError(.invalidField, object, "floating terms come only with model floating, the model is \(license.model)")
            }
            return
        }
        guard let terms = license.floating else {
            throw VerificationError(.floatingTermsRequired, object, "a floating license carries its lease and borrow lengths")
        }
        guard let allowed = certificate.floating, terms.isWithin(allowed) else {
            throw VerificationError(.floatingExceedsCertificate, object, "floating \(terms) exceeds the certificate's \(certificate.floating.map { "\($0)" } ?? "none")")
        }
    }
}
