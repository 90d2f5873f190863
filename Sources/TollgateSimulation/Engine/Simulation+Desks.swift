import Dispatch

extension Simulation {
    /// The longest window of customer steps run side by side: no step posts an event for the run's
    /// queue sooner than this after itself (a top-up request waits at least the scenario's shortest
    /// top-up delay, a license shown to the vendor at least half a day).
    var deskWindow: Int64 {
        max(1, min(scenario.topUpDelay.lowerBound, Scenario.day / 2))
    }

    /// Runs every customer step due before `bound`, the time of the run's next own event.
    ///
    /// Steps run in windows: from the earliest due step to at most ``deskWindow`` later. Within a
    /// window each desk touches only its own agent and customers, so desks run side by side; what
    /// they leave (trace lines, events for the run's queue) is taken in afterwards in time order,
    /// desk by desk, so the trace is the same whichever thread ran which desk.
    func runDesks(before bound: Int64) {
        let open = phase == .workload
        while true {
            var start = Int64.max
            for desk in desks {
                if let next = desk.nextTime, next < start { start = next }
            }
            guard start < bound else { return }
            let end = min(bound, start + deskWindow)
            let ready = desks.filter { ($0.nextTime ?? .max) < end }
            for desk in ready { desk.open = open }
            if ready.count > 1, options.parallelDesks {
                DispatchQueue.concurrentPerform(iterations: ready.count) { ready[$0].run(until: end) }
            } else {
                for desk in ready { desk.run(until: end) }
            }
            collect(from: ready)
        }
    }

    /// Takes in what desks left: trace lines in time order (desk order within a millisecond), then
    /// their events for the run's queue, desk by desk.
    func collect(from desks: [CustomerDesk]) {
        var lines: [(time: Int64, desk: Int, position: Int, text: String)] = []
        for desk in desks {
            for (position, line) in desk.lines.enumerated() { lines.append((line.time, desk.index, position, line.text)) }
            desk.lines.removeAll(keepingCapacity: true)
        }
        lines.sort { ($0.time, $0.desk, $0.position) < ($1.time, $1.desk, $1.position) }
        for line in lines { trace.record(line.time, line.text) }
        for desk in desks {
            for posted in desk.outbox { schedule(posted.event, at: posted.time) }
            desk.outbox.removeAll(keepingCapacity: true)
        }
    }

    /// The desk of the node a cheat is carried out on, brought to the run's time; what it leaves
    /// is taken in right after the cheat.
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

