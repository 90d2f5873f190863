/// Pending events ordered by simulated time, ties broken by the order they were scheduled in, so
/// the run is the same whatever the heap does internally.
struct EventQueue<Event> {
    private struct Entry {
        let time: Int64
        let sequence: UInt64
        let event: Event

        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// When the earliest event is due, if any.
    var nextTime: Int64? { heap.first?.time }

    /// The earliest event, left in the queue.
    var first: (time: Int64, event: Event)? { heap.first.map { ($0.time, $0.event) } }

    mutating func schedule(_ event: Event, at time: Int64) {
        schedule(event, at: time, place: nextSequence)
        nextSequence += 1
    }

    /// Schedules `event` at `time`, after the events of that time whose place is lower: for events
    /// made elsewhere, whose order must not depend on when they were handed over. Places from
    /// 2⁶³ up are never given out by ``schedule(_:at:)``.
    mutating func schedule(_ event: Event, at time: Int64, place: UInt64) {
        heap.append(Entry(time: time, sequence: place, event: event))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> (time: Int64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.time, first.event)
    }
}
