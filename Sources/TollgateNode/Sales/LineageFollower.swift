import TollgateCertificates

/// What renewals and changes (upgrades, downgrades, add-ons, conversions) share once their own
/// rules passed: a license that follows a lineage is signed only by a node in sync with its
/// parent and under a certificate not revoked, then logged and stored in one transaction.
protocol LineageFollower: NodePart {
    var freshness: SyncFreshness { get }
}

extension LineageFollower {
    /// Refused when the node is overdue for a sync or `held` is revoked at `now`.
    func checkSigning(under held: HeldCertificate, at now: Int64) throws(NodeError) {
        try freshness.check(held.payload, at: now)
        let revoked = try storage { try store.revocations() }.contains { $0.payload.cert == held.hash && $0.payload.effective <= now }
        guard !revoked else { throw NodeError(.noCertificate, "the certificate this license was issued under is revoked") }
    }

    /// Signs `payload` under `held`, logs it as `kind` and stores it, with the renewal `order` it
    /// fills when given; refused, changing nothing, when ``checkSigning(under:at:)`` refuses.
    func record(_ payload: License, as kind: LogEntryKind, under held: HeldCertificate, at now: Int64,
                order: OrderTerms? = nil) throws(NodeError) -> LicenseFile {
        try checkSigning(under: held, at: now)
        var payload = payload
        return try storage {
            try store.transaction {
                payload.logIndex = try store.log.size
                let signed = try context.signObject(payload)
                let index = try store.log.append(kind: kind.rawValue, bytes: Array(signed.compact.utf8), at: now)
                try store.insertLicense(signed, logIndex: index)
                try WebhookOutbox(context: context).licenseFollowed(signed, as: kind)
                if let order {
                    try store.insertOrder(RecordedOrder(id: order.id, kind: .renewal, licenseHash: signed.hash, terms: order.terms), logIndex: index)
                }
                return LicenseFile(chain: held.chain, license: signed.compact)
            }
        }
    }
}
