import TollgateCertificates
import TollgateLedger

extension NodeStore {
    /// Records what upgrades, add-ons and trials are looked up by: an add-on under the lineage it
    /// adds to, a first trial (not a renewal of one) under its customer and product.
    func insertLifecycle(_ license: SignedLicense, logIndex: UInt64) throws {
        let claims = license.payload
        if let lineage = claims.addonOf {
            try database.execute("INSERT INTO license_addons (hash, lineage, log_index) VALUES (?1, ?2, ?3)",
                                 [.text(license.hash), .text(lineage), .integer(Int64(logIndex))])
        }
        if claims.model == TrialAllowance.model, claims.renews == nil {
            try database.execute("INSERT INTO license_trials (hash, customer, product) VALUES (?1, ?2, ?3)",
                                 [.text(license.hash), .text(claims.customer), .text(claims.product)])
        }
    }

    /// The add-ons issued for the lineage whose first license is `lineage`, in log order.
    public func addons(lineage: String) throws -> [SignedLicense] {
        try database.query("SELECT hash FROM license_addons WHERE lineage = ?1 ORDER BY log_index", [.text(lineage)])
            .compactMap { try license(hash: try $0.text(0)) }
    }

    /// The trials this node gave `customer` for `product`, renewals not counted.
    func trialCount(customer: String, product: String) throws -> Int {
        Int(try database.query("SELECT count(*) FROM license_trials WHERE customer = ?1 AND product = ?2",
                               [.text(customer), .text(product)]).first?.int64(0) ?? 0)
    }
}
