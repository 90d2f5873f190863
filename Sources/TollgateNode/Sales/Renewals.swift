import TollgateCertificates

/// Renewing subscriptions and trials: a new license for the same customer and serials that names
/// the first license of its lineage, so the machines activated under the lineage stay activated.
struct Renewals: LineageFollower {
    let context: NodeContext
    let holdings: CertificateHoldings
    let freshness: SyncFreshness

    /// See ``LicensingNode/renew(licenseHash:exp:price:at:)``.
    func renew(licenseHash: String, exp: Int64, price: Price?, at now: Int64) throws(NodeError) -> LicenseFile {
        let (payload, held) = try plan(licenseHash: licenseHash, exp: exp, price: price, at: now)
        return try record(payload, as: .licenseRenewed, under: held, at: now)
    }

    /// The renewal of `licenseHash` as it would be signed (its log index still 0) and the
    /// certificate it is issued under, once every rule of a renewal passed; changes nothing.
    func plan(licenseHash: String, exp: Int64, price: Price?, at now: Int64) throws(NodeError) -> (payload: License, held: HeldCertificate) {
        guard let current = try storage({ try store.currentLicense(hash: licenseHash) }),
              let lineage = try storage({ try store.lineage(of: licenseHash) }) else {
            throw NodeError(.notFound, "license \(licenseHash) was not issued by this node")
        }
        let old = current.payload
        if let revocation = try storage({ try store.licenseRevocations(lineage: lineage) }).first(where: { $0.payload.effective <= now }) {
            throw NodeError(.licenseInvalid, "license \(HashID.short(lineage)) (\(old.customer)) is revoked from \(TimeText.iso(revocation.payload.effective)) "
                            + "(\(revocation.payload.reason)) by revocation \(HashID.short(revocation.hash)); it takes no renewal", rule: .licenseRevoked)
        }
        guard old.model != "perpetual" else { throw NodeError(.invalidRequest, "a perpetual license does not need renewing") }
        // An upgrade's price is the difference it paid, not the price of the whole license.
        if price == nil, old.supersedes != nil {
            throw NodeError(.invalidRequest, "the current license \(HashID.short(current.hash)) is an upgrade or downgrade priced at the difference "
                            + "(\(old.price)); give the renewal's price per seat")
        }
        guard exp > (old.exp ?? now), exp > now else {
            throw NodeError(.invalidRequest, "the new end \(TimeText.iso(exp)) must be after the current end \(TimeText.iso(old.exp ?? now)) and after now")
        }
        let held = try holdings.heldCertificate(matching: old.cert)
        // A customer transfer here moved the lineage: the renewal names its customer now.
        let customer = try storage { try store.owner(ofLineage: lineage) } ?? old.customer
        let payload = License(iss: identity.keyID, cert: held.hash, seats: old.seats, customer: customer, country: old.country,
                              territory: old.territory, product: old.product, features: old.features, model: old.model,
                              price: price ?? old.price, iat: now, nbf: now, exp: exp, logIndex: 0, jti: ids.make(), renews: lineage,
                              tier: old.tier, expiry: old.expiry, metering: old.metering, floating: old.floating)
        do {
            try payload.validateFields(object: "renewal")
            try LicenseRules.check(payload, within: held.payload, object: "renewal")
        } catch {
            throw NodeError(.ruleViolation, error)
        }
        try checkSigning(under: held, at: now)
        return (payload, held)
    }
}
