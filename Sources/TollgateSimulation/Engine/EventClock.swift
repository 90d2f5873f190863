/// The run's simulated time, its queue of events and the phase it is in. Every part plans what
/// happens when through it; only the event loop (``Simulation/run()``) takes events out and moves
/// time on.
final class EventClock {
    enum Phase {
        /// Customers and operators act; faults happen.
        case workload
        /// Faults healed, no new traffic: sync catches up.
        case quiet
        case done
    }

    /// Simulated time, milliseconds.
    private(set) var now: Int64 = 0
    private(set) var phase = Phase.workload
    /// Events the event loop has handled.
    private(set) var eventCount = 0
    private var queue = EventQueue<SimulationEvent>()

    /// Whether customers and operators still act and faults still happen.
    var isWorkload: Bool { phase == .workload }

    func schedule(_ event: SimulationEvent, after delay: Int64) {
        queue.schedule(event, at: now + max(0, delay))
    }

    func schedule(_ event: SimulationEvent, at time: Int64) {
        queue.schedule(event, at: max(now, time))
    }

    /// Events the customer desks posted, each at its own place among events of its time.
    func schedule(_ posted: [PostedEvent]) {
        for event in posted { queue.schedule(event.event, at: event.time, place: event.place) }
    }

    /// The earliest event, left in the queue.
    var next: (time: Int64, event: SimulationEvent)? { queue.first }

    /// Takes the earliest event (``next``) out and moves time on to it, for the event loop to handle.
    func advance() {
        guard let (time, _) = queue.popFirst() else { return }
        now = time
        eventCount += 1
    }

    func enter(_ phase: Phase) {
        self.phase = phase
    }
}
