/// The links of the channel tree (each node to its parent, both ways) with latency, loss,
/// duplication, reordering and cuts. Pure decisions from the run's random stream: it says when (and
/// whether, and how often) a message arrives; the simulation schedules the deliveries.
struct SimulatedNetwork {
    struct Faults {
        var latency: ClosedRange<Int64>
        var loss: Double
        var duplicate: Double
        var reorder: Double
        var reorderDelay: Int64
    }

    var faults: Faults
    private let parent: [Int?]
    /// Active cuts of each node's uplink, per direction; counts, so overlapping cuts nest.
    private var upCuts: [Int]
    private var downCuts: [Int]
    var statistics = NetworkStatistics()

    init(parent: [Int?], faults: Faults) {
        self.parent = parent
        self.faults = faults
        upCuts = Array(repeating: 0, count: parent.count)
        downCuts = Array(repeating: 0, count: parent.count)
    }

    /// The child end of the link between `from` and `to`, and whether the message goes up.
    private func link(_ from: Int, _ to: Int) -> (child: Int, up: Bool)? {
        if parent[from] == to { return (from, true) }
        if parent[to] == from { return (to, false) }
        return nil
    }

    func isCut(from: Int, to: Int) -> Bool {
        guard let link = link(from, to) else { return true }
        return link.up ? upCuts[link.child] > 0 : downCuts[link.child] > 0
    }

    /// Whether any direction of `child`'s uplink is cut (for the timeline).
    func cut(of child: Int) -> (up: Bool, down: Bool) {
        (upCuts[child] > 0, downCuts[child] > 0)
    }

    mutating func cut(_ child: Int, _ direction: Scenario.Direction, _ on: Bool) {
        let delta = on ? 1 : -1
        if direction != .down { upCuts[child] = max(0, upCuts[child] + delta) }
        if direction != .up { downCuts[child] = max(0, downCuts[child] + delta) }
    }

    /// Removes every cut: the network heals.
    mutating func heal() {
        upCuts = Array(repeating: 0, count: parent.count)
        downCuts = Array(repeating: 0, count: parent.count)
    }

    /// When copies of a message sent now arrive: none when it is lost or the link is cut, two when
    /// it is duplicated. Latency is uniform; a reordered copy is held back further.
    mutating func transmit(from: Int, to: Int, at now: Int64, random: inout SimulationRandom) -> [Int64] {
        statistics.sent += 1
        if isCut(from: from, to: to) {
            statistics.partitioned += 1
            return []
        }
        if random.chance(faults.loss) {
            statistics.lost += 1
            return []
        }
        var copies = [now + delay(&random)]
        if random.chance(faults.duplicate) {
            statistics.duplicated += 1
            copies.append(now + delay(&random))
        }
        return copies
    }

    private mutating func delay(_ random: inout SimulationRandom) -> Int64 {
        var delay = random.integer(in: faults.latency)
        if random.chance(faults.reorder) {
            statistics.reordered += 1
            delay += random.integer(in: 1...max(1, faults.reorderDelay))
        }
        return delay
    }
}
