import TollgateCertificates

/// The serials a node has handed out (licensed, delegated, or returned to its parent), as sorted
/// disjoint ranges: an honest node never hands out a serial twice. Serials a child returned are
/// taken out again, since the node may delegate them anew.
struct SerialLedger {
    private var ranges: [SerialRange] = []

    var count: Int { ranges.count }

    /// The first stored range whose end is after `serial`.
    private func firstEnding(after serial: UInt64) -> Int {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].end <= serial { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A stored range that shares serials with `range`, if any.
    func overlap(_ range: SerialRange) -> SerialRange? {
        let index = firstEnding(after: range.start)
        guard index < ranges.count, ranges[index].start < range.end else { return nil }
        return ranges[index]
    }

    /// Records `range`; returns the range it collides with instead when it is taken.
    mutating func insert(_ range: SerialRange) -> SerialRange? {
        if let taken = overlap(range) { return taken }
        ranges.insert(range, at: firstEnding(after: range.start))
        return nil
    }

    /// Frees `range` (a child handed it back).
    mutating func remove(_ range: SerialRange) {
        var index = firstEnding(after: range.start)
        while index < ranges.count, ranges[index].start < range.end {
            let stored = ranges[index]
            var pieces: [SerialRange] = []
            if stored.start < range.start { pieces.append(SerialRange(stored.start, range.start)) }
            if range.end < stored.end { pieces.append(SerialRange(range.end, stored.end)) }
            ranges.replaceSubrange(index...index, with: pieces)
            index += pieces.count
        }
    }
}
