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
    /// Pages of ``NodeStore/certificatesWithRoom(for:after:limit:)``, by the query's arguments.
    private var roomPages: [RoomQuery: [(receivedAt: Int64, hash: String)]] = [:]

    private struct RoomQuery: Hashable {
        let count: UInt64
        let afterReceivedAt: Int64?
        let afterHash: String?
        let limit: Int
    }

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

    /// Held certificates with a free run of `count` serials, oldest first, after `after`: read once
    /// per batch, since nothing planned is recorded before the batch ends.
    mutating func certificatesWithRoom(for count: UInt64, after: (receivedAt: Int64, hash: String)?, limit: Int,
                                       in context: NodeContext) throws(NodeError) -> [(receivedAt: Int64, hash: String)] {
        let query = RoomQuery(count: count, afterReceivedAt: after?.receivedAt, afterHash: after?.hash, limit: limit)
        if let known = roomPages[query] { return known }
        let page = try context.storage { try context.store.certificatesWithRoom(for: count, after: after, limit: limit) }
        roomPages[query] = page
        return page
    }
}
