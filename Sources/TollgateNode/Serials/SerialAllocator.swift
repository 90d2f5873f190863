import TollgateCertificates

/// Finds serials this node has not handed out, for delegations and for sales. Reads the serial
/// tables only; the caller records the allocation with what it hands the serials out for.
struct SerialAllocator: NodePart {
    let context: NodeContext

    /// The serial space the root delegates from.
    static let rootSpace = SerialRange(0, SerialRange.limit)

    /// `count` consecutive serials of held certificate `held` that this node has not handed out, nor
    /// `reserved` for sales planned but not yet recorded: right after the highest serial handed out
    /// so far, or, once the end of its seats is reached, in the lowest free run they fit in. Reads
    /// the certificate's free runs (see ``NodeSchema/serialFreeRuns``), never its allocations, so a
    /// used-up certificate is refused with one probe. `lastRun` is the certificate's free run that
    /// starts last (nil when it has none), if the caller has read it already.
    func freeRange(count: UInt64, of held: HeldCertificate, avoiding reserved: [SerialRange] = [],
                   lastRun: SerialRange?? = nil) throws(NodeError) -> SerialRange {
        guard count > 0 else { throw NodeError(.invalidRequest, "the seat count must be positive") }
        let space = held.payload.seats
        let pending = reserved.filter { $0.start < space.end && $0.end > space.start }.sorted { $0.start < $1.start }
        let last: SerialRange?
        if let lastRun {
            last = lastRun
        } else {
            last = try storage { try store.lastFreeRun(of: held.hash) }
        }
        if let last, last.end == space.end {
            let frontier = pending.reduce(last.start) { max($0, $1.end) }
            if frontier < space.end, space.end - frontier >= count { return SerialRange(frontier, frontier + count) }
        }
        // A planned range lies inside one run (or, recorded since, inside none), so of the first
        // `pending.count + 1` runs long enough, one at least is untouched by them.
        let runs = try storage { try store.freeRuns(of: held.hash, holding: count, limit: pending.count + 1) }
        for run in runs {
            var cursor = run.start
            for range in pending where range.start < run.end && range.end > run.start {
                if range.start > cursor, range.start - cursor >= count { return SerialRange(cursor, cursor + count) }
                cursor = max(cursor, range.end)
            }
            if run.end > cursor, run.end - cursor >= count { return SerialRange(cursor, cursor + count) }
        }
        throw NodeError(.quotaExhausted, "fewer than \(count) free serials are left in \(space)")
    }

    /// `count` consecutive serials of `space` (the root's) that this node has not handed out nor
    /// `reserved` (the root's own certificates, which hold their serials without an allocation):
    /// right after the highest serial handed out so far, or, once the end of `space` is reached,
    /// the lowest gap between its allocations.
    func freeRange(count: UInt64, within space: SerialRange, besides reserved: [SerialRange] = []) throws(NodeError) -> SerialRange {
        guard count > 0 else { throw NodeError(.invalidRequest, "the seat count must be positive") }
        let lastEnd = try storage { try store.lastAllocation(within: space) }?.seats.end
        let reservedEnd = reserved.filter { $0.overlaps(space) }.map(\.end).max()
        let frontier = [lastEnd, reservedEnd].compactMap { $0 }.max().map { max($0, space.start) } ?? space.start
        if frontier <= space.end, space.end - frontier >= count {
            let candidate = SerialRange(frontier, frontier + count)
            // An allocation that starts before `space` may still reach into it.
            if try storage({ try store.overlappingAllocation(candidate) }) == nil, !reserved.contains(where: { $0.overlaps(candidate) }) {
                return candidate
            }
        }
        let taken = (try storage { try store.allocations(within: space) }.map(\.seats) + reserved.filter { $0.overlaps(space) })
            .sorted { $0.start < $1.start }
        var cursor = space.start
        for range in taken {
            if range.start >= cursor, range.start - cursor >= count { break }
            cursor = max(cursor, range.end)
        }
        guard cursor <= space.end, space.end - cursor >= count else {
            throw NodeError(.quotaExhausted, "fewer than \(count) free serials are left in \(space)")
        }
        return SerialRange(cursor, cursor + count)
    }
}
