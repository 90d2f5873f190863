import TollgateCertificates

/// What planning a sale reads from the store, read at most once for a batch of plans. Planning
/// writes nothing, so what one plan of a batch read still holds for the next; a new batch starts
/// with a new value, after whatever the store's open transaction changed.
struct PlanningReads {
    private var logSize: UInt64?
    private var parentContact: Int64??
    private var revocations: [String: [SignedRevocation]] = [:]
    /// The end of the allocation with the highest start inside each space (nil: none in it).
    private var allocatedEnds: [SerialRange: UInt64?] = [:]

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

    /// The end of the allocation that starts last inside `space`, nil when none does.
    mutating func allocatedEnd(within space: SerialRange, in context: NodeContext) throws(NodeError) -> UInt64? {
        if let known = allocatedEnds[space] { return known }
        let end = try context.storage { try context.store.lastAllocation(within: space) }?.seats.end
        allocatedEnds[space] = .some(end)
        return end
    }
}
