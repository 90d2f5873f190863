import Foundation

/// Runs the customer desks' steps behind the run's event loop: on a thread of its own and on the
/// event loop's thread while that waits (or, when asked, on the event loop's thread alone), with
/// one rule either way:
///
/// - a desk's step at time t runs once the event loop has handled every event due by t, and
///   before it handles any event after t that touches the desk's agent;
/// - a step never posts an event sooner than `window` after itself, so the event loop handles an
///   event at T only once every step up to T − `window` has run: nothing can be posted before T
///   any more. Steps stop short of any posted event the loop has not taken yet, and a step starts
///   less than `window` after any step still running, so nothing posted can be due before a step
///   that has already started.
///
/// So each desk sees the run's events that touch it, and each event sees the desks it touches,
/// exactly as if one thread ran everything in time order, whichever thread ran what when.
final class DeskRunner {
    /// What the event loop may do next.
    enum Turn {
        /// Handle the earliest event.
        case ready
        /// Put these posted events into the queue first, then look again.
        case posted([PostedEvent])
    }

    private let desks: [CustomerDesk]
    private let window: Int64
    private let condition = NSCondition()

    // Guarded by `condition`.
    /// Steps before this time may run: the time of the event loop's next event, or of an event a
    /// step posted that the loop has not taken yet.
    private var clock = Int64.min
    /// Per desk, when its next step is due (`Int64.max`: none).
    private var due: [Int64]
    /// Per desk, the time of the step running now (`Int64.max`: none).
    private var running: [Int64]
    private var posted: [PostedEvent] = []
    private var stopping = false
    private var finished = false
    /// The run takes no more events: posts no longer hold the desks back.
    private var closing = false

    init(desks: [CustomerDesk], window: Int64, threaded: Bool) {
        self.desks = desks
        self.window = max(1, window)
        due = desks.map { $0.nextTime ?? .max }
        running = Array(repeating: .max, count: desks.count)
        if threaded {
            let thread = Thread { [self] in work() }
            thread.name = "tollgate.simulation.desks"
            thread.start()
        } else {
            finished = true
        }
    }

    /// Before the event loop handles its earliest event, due at `time` and touching the agents
    /// `touched` (nil: every agent): lets the desks run up to `time` and waits until the event may
    /// be handled, or until steps posted events the loop must take first.
    func prepare(for time: Int64, touching touched: [Int]?) -> Turn {
        condition.lock()
        defer { condition.unlock() }
        if !posted.isEmpty { return take() }
        if time > clock {
            clock = time
            condition.broadcast()
        }
        // The event loop runs steps itself while it waits.
        while posted.isEmpty && !isReady(for: time, touching: touched) {
            if let desk = runnable {
                step(desk)
            } else {
                condition.wait()
            }
        }
        return posted.isEmpty ? .ready : take()
    }

    /// Waits for every step before `time` to run, then stops the desks' thread; later steps never
    /// run, and what steps post from now on is dropped with the run's queue.
    func finish(at time: Int64) {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        clock = max(clock, time)
        condition.broadcast()
        while running.contains(where: { $0 != .max }) || due.contains(where: { $0 < time }) {
            if let desk = runnable { step(desk) } else { condition.wait() }
        }
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
    }

    // MARK: Under the lock

    private func take() -> Turn {
        let taken = posted
        posted.removeAll()
        return .posted(taken)
    }

    private func isReady(for time: Int64, touching touched: [Int]?) -> Bool {
        for desk in desks.indices {
            let earliest = min(due[desk], running[desk])
            if earliest != .max, earliest + window <= time { return false }
            if earliest < time, touched?.contains(desk) ?? true { return false }
        }
        return true
    }

    /// The desk whose next step is earliest among those not running, if that step may run now:
    /// before the clock, and less than `window` after any step still running (so nothing a running
    /// step posts can be due before a step that has already started).
    private var runnable: Int? {
        var best: Int?
        var earliestRunning = Int64.max
        for desk in desks.indices {
            earliestRunning = min(earliestRunning, running[desk])
            guard running[desk] == .max, due[desk] < clock else { continue }
            if let current = best, due[current] <= due[desk] { continue }
            best = desk
        }
        guard let best, earliestRunning == .max || due[best] < earliestRunning + window else { return nil }
        return best
    }

    /// Runs one step of `desk` with the lock released, then records what it left.
    private func step(_ desk: Int) {
        running[desk] = due[desk]
        due[desk] = .max
        condition.unlock()
        desks[desk].runNextStep()
        let outbox = desks[desk].outbox
        desks[desk].outbox.removeAll(keepingCapacity: true)
        let next = desks[desk].nextTime ?? .max
        condition.lock()
        running[desk] = .max
        due[desk] = next
        if !closing, let earliest = outbox.map(\.time).min() {
            posted.append(contentsOf: outbox)
            clock = min(clock, earliest)
        }
        condition.broadcast()
    }

    /// The desks' thread.
    private func work() {
        condition.lock()
        while !stopping {
            if let desk = runnable {
                step(desk)
            } else {
                condition.wait()
            }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

// The desks and their agents are touched by one thread at a time: a step runs only on a desk marked
// running under `condition`, which no event the loop handles meanwhile touches (see the rule above).
extension DeskRunner: @unchecked Sendable {}
