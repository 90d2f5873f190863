import TollgateCertificates

/// What planning a sale reads from the store, read at most once for a batch of plans. Planning
/// writes nothing, so what one plan of a batch read still holds for the next; a new batch starts
/// with a new value, after whatever the store's open transaction changed.
struct PlanningReads {
    private var logSize: UInt64?
    private var parentContact: Int64??
    private var revocations: [String: [SignedRevocation]] = [:]
    /// The free run that starts last, of each held certificate by hash (nil: it has none).
    private var lastFreeRuns: [String: SerialRange?] = [:]

    /// The number of entries in the node's log.
    mutating func logSize(in context: NodeContext) throws(NodeError) -> UInt64 {
        if let logSize { return logSize }
        let size = try context.storage { try context.store.log.size }
        logSize = size
        return size
    }

    /// When the node last heard from its parent (see ``LicensingNode/lastParentContact()``).
    mutating func parentContact(from freshness: SyncFreshness) throws(NodeError) -> Int64? {
        if let parentContact { return parentContact }
        let contact = try freshness.lastParentContact()
        parentContact = .some(contact)
        return contact
    }

    /// The revocations of any certificate of `held`'s chain.
    mutating func revocations(of held: HeldCertificate, in context: NodeContext) throws(NodeError) -> [SignedRevocation] {
        if let known = revocations[held.hash] { return known }
        let found = try context.storage { try context.store.revocations(of: held.chainHashes) }
        revocations[held.hash] = found
        return found
    }

    /// The free run of `held` that starts last, nil when the certificate is used up.
    mutating func lastFreeRun(of held: HeldCertificate, in context: NodeContext) throws(NodeError) -> SerialRange? {
        if let known = lastFreeRuns[held.hash] { return known }
        let run = try context.storage { try context.store.lastFreeRun(of: held.hash) }
        lastFreeRuns[held.hash] = .some(run)
        return run
    }
}
