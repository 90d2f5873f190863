import TollgateNode

extension Simulation {
    /// Turns the scenario's fault plans (fixed and random) into events, all drawn now from the
    /// run's stream.
    func scheduleFaults() {
        for partition in scenario.partitions {
            let start = moment(partition.start)
            for child in resolve(partition.node) where nodes[child].parent != nil {
                scheduleCut(child, partition.direction, from: start, length: partition.length)
            }
        }
        for flap in scenario.flaps {
            let start = moment(flap.start)
            for child in resolve(flap.node) where nodes[child].parent != nil {
                var time = start
                while time < start + flap.length {
                    scheduleCut(child, flap.direction, from: time, length: min(flap.down, start + flap.length - time))
                    time += flap.down + flap.up
                }
            }
        }
        if let plan = scenario.randomPartitions, plan.perDay > 0 {
            var time: Int64 = 0
            while true {
                time += Int64(random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let child = 1 + random.index(nodes.count - 1)
                let direction: Scenario.Direction = random.chance(plan.oneWay) ? (random.chance(0.5) ? .up : .down) : .both
                let length = min(plan.longest, max(Scenario.second, Int64(random.exponential(mean: Double(plan.mean)))))
                scheduleCut(child, direction, from: time, length: length)
            }
        }
        for crash in scenario.crashes {
            let time = moment(crash.at)
            for node in resolve(crash.node) { schedule(.crash(node: node, downFor: crash.downFor), at: time) }
        }
        for loop in scenario.crashLoops {
            let start = moment(loop.start)
            for node in resolve(loop.node) {
                var time = start
                while time < start + loop.length {
                    schedule(.crash(node: node, downFor: loop.down), at: time)
                    time += max(loop.every, loop.down + Scenario.second)
                }
            }
        }
        if let plan = scenario.randomCrashes, plan.perDay > 0 {
            var time: Int64 = 0
            let candidates = nodes.filter { plan.includeRoot || $0.role != .root }.map(\.index)
            while !candidates.isEmpty {
                time += Int64(random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let length = min(plan.longest, max(Scenario.second, Int64(random.exponential(mean: Double(plan.mean)))))
                schedule(.crash(node: candidates[random.index(candidates.count)], downFor: length), at: time)
            }
        }
        for plan in scenario.storageFaults {
            let start = moment(plan.start)
            let end = min(scenario.duration, plan.length.map { start + $0 } ?? scenario.duration)
            for index in resolve(plan.node) {
                let node = nodes[index]
                if node.storageFaults == nil { node.storageFaults = StorageFaultInjector(random: random.fork()) }
                node.storageFaults?.add(StorageFaultInjector.Window(fault: plan.fault, probability: plan.probability, start: start, end: end))
            }
        }
        for jump in scenario.jumps {
            let time = moment(jump.at)
            for node in resolve(jump.node) { schedule(.clockJump(node: node, seconds: jump.seconds, absolute: false), at: time) }
        }
        if let plan = scenario.randomJumps, plan.perDay > 0 {
            var time: Int64 = 0
            while true {
                time += Int64(random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let node = random.index(nodes.count)
                schedule(.clockJump(node: node, seconds: random.integer(in: -plan.largestSeconds...plan.largestSeconds), absolute: true), at: time)
            }
        }
    }

    private func scheduleCut(_ child: Int, _ direction: Scenario.Direction, from start: Int64, length: Int64) {
        guard start < scenario.duration, length > 0 else { return }
        schedule(.cut(child: child, direction: direction, on: true), at: start)
        schedule(.cut(child: child, direction: direction, on: false), at: start + length)
    }

    private static func outageKind(_ direction: Scenario.Direction) -> Timeline.OutageKind {
        switch direction {
        case .both: .cut
        case .up: .cutUp
        case .down: .cutDown
        }
    }

    func cut(_ child: Int, _ direction: Scenario.Direction, _ on: Bool) {
        guard phase == .workload else { return }
        network.cut(child, direction, on)
        let parent = nodes[child].parent.map { nodes[$0].name } ?? "-"
        note("\(on ? "cut" : "mend") \(nodes[child].name)\(direction == .both ? "<->" : direction == .up ? "->" : "<-")\(parent)")
        if on {
            timeline.open(Self.outageKind(direction), node: child, at: now)
        } else {
            timeline.close(Self.outageKind(direction), node: child, at: now)
        }
    }

    // MARK: Crashes

    /// The node's process dies: its in-memory state, timers and any round in flight are gone;
    /// messages to it are dropped until it restarts from its committed database.
    func crash(_ node: SimulatedNode, downFor: Int64) {
        guard phase == .workload, let live = node.node else { return }
        do {
            let size = try live.logSize()
            node.checkedLog = (size, try live.store.log.rootHash(atSize: size))
        } catch {
            unexpected(error, "reading the log before a crash", at: node)
        }
        node.crash(at: now)
        note("crash \(node.name) for \(downFor / 1_000) s")
        timeline.open(.crash, node: node.index, at: now)
        schedule(.restart(node: node.index, incarnation: node.incarnation), after: downFor)
    }

    func restart(_ node: SimulatedNode, incarnation: Int) {
        guard node.incarnation == incarnation, !node.isUp else { return }
        bringBack(node)
    }

    /// Reopens a crashed node on its database and checks that nothing it acknowledged was lost.
    func bringBack(_ node: SimulatedNode) {
        do {
            try node.restart(at: now)
        } catch {
            unexpected(error, "reopening the node's database", at: node)
            return
        }
        note("restart \(node.name)")
        timeline.close(.crash, node: node.index, at: now)
        checkAcknowledged(node)
        if node.parent != nil {
            scheduleSync(node, after: random.integer(in: Scenario.second...(10 * Scenario.second)))
        }
    }

    // MARK: Clocks

    func jumpClock(_ node: SimulatedNode, seconds: Int64, absolute: Bool) {
        guard phase == .workload else { return }
        let before = node.jumpSeconds
        node.jumpSeconds = absolute ? seconds : node.jumpSeconds + seconds
        note("clock \(node.name) jumps \(node.jumpSeconds - before) s")
    }
}
