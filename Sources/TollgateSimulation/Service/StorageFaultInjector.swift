import TollgateLedger

/// A node's storage faults as the run plays them: the scenario's plans for the node, resolved to
/// simulated times, and a random stream of the node's own (forked from the seed) that decides each
/// commit. It is the node database's fault injector (the store's seam, ``SQLiteFaultInjector``),
/// armed only while the node's service handles a call, so the checker's reads and a cheater's own
/// writes never meet a fault, and a node's commits come in the same order on every run.
final class StorageFaultInjector {
    struct Window {
        let fault: SQLiteFault
        let probability: Double
        /// Simulated time, milliseconds: from `start` up to `end`.
        let start: Int64
        let end: Int64
    }

    private(set) var windows: [Window] = []
    private var random: SimulationRandom
    /// The simulated time of the call being handled; nil while disarmed.
    private var armedAt: Int64?
    private var sinceArmed = 0
    /// Faults injected so far, by kind.
    private(set) var injected: [SQLiteFault: Int] = [:]

    init(random: SimulationRandom) {
        self.random = random
    }

    func add(_ window: Window) {
        windows.append(window)
    }

    /// Whether any plan may fail a commit at `time`.
    func isActive(at time: Int64) -> Bool {
        windows.contains { $0.start <= time && time < $0.end }
    }

    /// The store's injector: fails a commit with the first active plan whose draw says so.
    func decide(_ call: SQLiteCall) -> Int32? {
        guard call.isCommit, let time = armedAt else { return nil }
        for window in windows where window.start <= time && time < window.end && random.chance(window.probability) {
            injected[window.fault, default: 0] += 1
            sinceArmed += 1
            return window.fault.resultCode
        }
        return nil
    }

    /// Arms the faults for a call handled at simulated `time`.
    func arm(at time: Int64) {
        armedAt = time
        sinceArmed = 0
    }

    /// Disarms them; how many faults the call met.
    func disarm() -> Int {
        armedAt = nil
        return sinceArmed
    }

    var total: Int { injected.values.reduce(0, +) }
}
