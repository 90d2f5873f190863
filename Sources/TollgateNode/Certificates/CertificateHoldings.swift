import TollgateCertificates

/// The certificates delegated to this node: taking one in after verifying its whole chain, and the
/// parsed set that sales, renewals, returns and activations look their certificate up in. Owns the
/// one cache of that set, dropped whenever the set may change.
final class CertificateHoldings: NodePart {
    let context: NodeContext
    /// Held certificates, parsed once; dropped whenever the set may change (see `discardCache`).
    private var cache: [HeldCertificate]?
    /// The same certificates by hash, built from `cache` when first looked up.
    private var byHash: [String: HeldCertificate]?

    init(context: NodeContext) {
        self.context = context
    }

    /// See ``LicensingNode/accept(chain:at:)``.
    @discardableResult
    func accept(chain: [String], at now: Int64) throws(NodeError) -> HeldCertificate {
        let verified: [VerifiedCertificate]
        do {
            verified = try context.verifier.verifyChain(chain)
        } catch {
            throw NodeError(.certificateRejected, error)
        }
        let leaf = verified[verified.count - 1]
        guard leaf.subjectKey == identity.key.publicKey else {
            throw NodeError(.certificateRejected, "the certificate for \(leaf.payload.sub) is bound to another key than this node's")
        }
        let held = HeldCertificate(chain: chain, certificate: leaf.certificate)
        // A certificate whose window has closed can issue nothing: refused at the door rather than
        // held (one already held is simply held).
        if leaf.payload.exp <= now, !(try storage { try store.isHeld(hash: held.hash) }) {
            throw NodeError(.certificateRejected, "the certificate for \(leaf.payload.sub) expired at \(TimeText.iso(leaf.payload.exp)), before now (\(TimeText.iso(now)))",
                            rule: .expired)
        }
        try storage {
            if try store.isHeld(hash: held.hash) { return }
            discardCache()
            defer { discardCache() }
            try store.transaction {
                let index = try store.log.append(kind: LogEntryKind.certificateReceived.rawValue, bytes: Array(held.certificate.compact.utf8), at: now)
                try store.insertHeld(held, logIndex: index, at: now)
            }
        }
        return held
    }

    /// Every certificate this node holds, from the cache once read.
    func heldCertificates() throws(NodeError) -> [HeldCertificate] {
        if let cache { return cache }
        let loaded = try storage { try store.heldCertificates() }
        cache = loaded
        return loaded
    }

    /// The held certificate whose hash or jti starts with `prefix`; with no prefix, the only one held.
    func heldCertificate(matching prefix: String?) throws(NodeError) -> HeldCertificate {
        let held = try heldCertificates()
        let matches = prefix.map { p in
            let ids = Set(HashID.matches(p, in: held.map(\.hash)))
            return held.filter { ids.contains($0.hash) || $0.payload.jti == p }
        } ?? held
        guard matches.count == 1 else {
            let listing = held.map { "\(HashID.short($0.hash)) (\($0.payload.sub), seats \($0.payload.seats))" }.joined(separator: "; ")
            if held.isEmpty { throw NodeError(.noCertificate, "this node holds no certificate") }
            throw NodeError(matches.isEmpty ? .notFound : .invalidRequest,
                            (matches.isEmpty ? "no held certificate matches" : "several held certificates match; choose one")
                            + (prefix.map { " '\($0)'" } ?? "") + ": \(listing)"
                            + (matches.isEmpty ? prefix.map { HashID.hint(for: $0, in: held.map(\.hash)) } ?? "" : ""))
        }
        return matches[0]
    }

    /// The held certificate whose hash is `hash`, nil when none is.
    func heldCertificate(hash: String) throws(NodeError) -> HeldCertificate? {
        if let byHash { return byHash[hash] }
        let indexed = Dictionary(try heldCertificates().map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        byHash = indexed
        return indexed[hash]
    }

    /// Forgets the parsed set; the next read loads it from the store again.
    func discardCache() {
        cache = nil
        byHash = nil
    }
}
