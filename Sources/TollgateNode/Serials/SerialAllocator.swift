import TollgateCertificates

/// Finds serials this node has not handed out, for delegations and for sales. Reads the serial
/// table only; the caller records the allocation with what it hands the serials out for.
struct SerialAllocator: NodePart {
    let context: NodeContext

    /// The serial space the root delegates from.
    static let rootSpace = SerialRange(0, SerialRange.limit)

    /// `count` consecutive serials in `space` that this node has not handed out, nor `reserved` for
    /// sales planned but not yet recorded: right after the highest serial handed out so far, or, once
    /// the end of `space` is reached, the lowest gap. `allocatedEnd` is the end of the allocation
    /// that starts last inside `space` (nil when none does), if the caller has read it already.
    func freeRange(count: UInt64, within space: SerialRange, avoiding reserved: [SerialRange] = [],
                   allocatedEnd: UInt64?? = nil) throws(NodeError) -> SerialRange {
        guard count > 0 else { throw NodeError(.invalidRequest, "the seat count must be positive") }
        func inSpace(_ range: SerialRange) -> Bool { range.start < space.end && range.end > space.start }
        let lastEnd: UInt64?
        if let allocatedEnd {
            lastEnd = allocatedEnd
        } else {
            lastEnd = try storage { try store.lastAllocation(within: space) }?.seats.end
        }
        var frontier = lastEnd.map { max($0, space.start) } ?? space.start
        for range in reserved where inSpace(range) { frontier = max(frontier, range.end) }
        if frontier <= space.end, space.end - frontier >= count, frontier + count <= space.end {
            let candidate = SerialRange(frontier, frontier + count)
            // An allocation that starts before `space` may still reach into it.
            if try storage({ try store.overlappingAllocation(candidate) }) == nil { return candidate }
        }
        let taken = (try storage { try store.allocations(within: space) }.map(\.seats) + reserved.filter(inSpace)).sorted { $0.start < $1.start }
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
