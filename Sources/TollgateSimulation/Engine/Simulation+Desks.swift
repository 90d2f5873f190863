extension Simulation {
    /// How far behind a step the events it posts come at the earliest: a top-up request waits at
    /// least the scenario's shortest top-up delay, a license shown to the vendor at least half a day.
    var deskWindow: Int64 {
        max(1, min(scenario.topUpDelay.lowerBound, Scenario.day / 2))
    }

    /// The agents whose nodes or desks `event` reads or changes (nil: any of them), which must have
    /// run every customer step before it first (see ``DeskRunner``).
    func touched(by event: SimulationEvent) -> [Int]? {
        switch event {
        case .deliver(_, let to, _): [to]
        case .syncStart(let node, _), .syncTimeout(let node, _, _, _), .crash(let node, _), .restart(let node, _),
             .clockJump(let node, _, _): [node]
        case .topUp(let child): [child] + (nodes[child].parent.map { [$0] } ?? [])
        case .cheat(let index): [plants[index].node]
        case .observe, .audit: [0]
        case .cut: []
        case .quotaReturn, .revocation, .sample, .workloadEnd, .settleCheck: nil
        }
    }

    /// The desk of the node a cheat is carried out on, brought to the run's time (the cheat's event
    /// touches that agent, so the desk is between steps).
    func desk(of node: SimulatedNode) -> CustomerDesk {
        let desk = desks[node.index]
        desk.now = now
        desk.open = phase == .workload
        return desk
    }

    /// At the end: every desk's waiting verifier jobs go out, and its checks join the run's.
    func closeDesks() {
        for desk in desks {
            desk.submitVerifications()
            checker.merge(desk.checker)
        }
    }
}
