/// The event loop's timers: a binary min-heap of (deadline, descriptor, epoch). Entries are never
/// removed early; an entry whose epoch no longer matches its connection's is stale and skipped when it
/// comes up, so moving a deadline costs one push.
struct DeadlineHeap {
    struct Entry {
        let deadline: Deadline
        let descriptor: CInt
        let epoch: UInt64
    }

    private(set) var entries: [Entry] = []

    var count: Int { entries.count }
    var first: Entry? { entries.first }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    /// Keeps only the entries `isLive` accepts (when stale ones pile up behind long timeouts).
    mutating func compact(keeping isLive: (Entry) -> Bool) {
        let live = entries.filter(isLive)
        entries = []
        for entry in live { push(entry) }
    }
}
