/// The scenario's faults: planned up front from its fixed and random fault plans (cuts, flapping
/// links, crashes, crash loops, storage faults, clock skews and jumps), all drawn from the run's
/// stream, then carried out as their events come: links cut and mended, nodes crashed and brought
/// back on their databases, clocks jumped.
final class ChannelFaults {
    private let context: RunContext
    private let channel: Channel
    private let sync: SyncDriver
    private let watch: AuditWatch

    init(context: RunContext, channel: Channel, sync: SyncDriver, watch: AuditWatch) {
        self.context = context
        self.channel = channel
        self.sync = sync
        self.watch = watch
    }

    private var scenario: Scenario { context.scenario }
    private var now: Int64 { context.now }

    /// Sets every node's clock skew: a random one within the scenario's bound, then the fixed ones.
    func setClocks() {
        for node in channel.nodes where scenario.randomSkewSeconds > 0 {
            node.skewSeconds = context.random.integer(in: -scenario.randomSkewSeconds...scenario.randomSkewSeconds)
        }
        for skew in scenario.skews {
            for index in channel.resolve(skew.node) { channel[index].skewSeconds = skew.seconds }
        }
    }

    /// Turns the scenario's fault plans (fixed and random) into events, all drawn now from the
    /// run's stream.
    func schedule() {
        let clock = context.clock
        for partition in scenario.partitions {
            let start = context.time(in: partition.start)
            for child in channel.resolve(partition.node) where channel[child].parent != nil {
                scheduleCut(child, partition.direction, from: start, length: partition.length)
            }
        }
        for flap in scenario.flaps {
            let start = context.time(in: flap.start)
            for child in channel.resolve(flap.node) where channel[child].parent != nil {
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
                time += Int64(context.random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let child = 1 + context.random.index(channel.nodes.count - 1)
                let direction: Scenario.Direction = context.random.chance(plan.oneWay) ? (context.random.chance(0.5) ? .up : .down) : .both
                let length = min(plan.longest, max(Scenario.second, Int64(context.random.exponential(mean: Double(plan.mean)))))
                scheduleCut(child, direction, from: time, length: length)
            }
        }
        for crash in scenario.crashes {
            let time = context.time(in: crash.at)
            for node in channel.resolve(crash.node) { clock.schedule(.crash(node: node, downFor: crash.downFor), at: time) }
        }
        for loop in scenario.crashLoops {
            let start = context.time(in: loop.start)
            for node in channel.resolve(loop.node) {
                var time = start
                while time < start + loop.length {
                    clock.schedule(.crash(node: node, downFor: loop.down), at: time)
                    time += max(loop.every, loop.down + Scenario.second)
                }
            }
        }
        if let plan = scenario.randomCrashes, plan.perDay > 0 {
            var time: Int64 = 0
            let candidates = channel.nodes.filter { plan.includeRoot || $0.role != .root }.map(\.index)
            while !candidates.isEmpty {
                time += Int64(context.random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let length = min(plan.longest, max(Scenario.second, Int64(context.random.exponential(mean: Double(plan.mean)))))
                clock.schedule(.crash(node: candidates[context.random.index(candidates.count)], downFor: length), at: time)
            }
        }
        for plan in scenario.storageFaults {
            let start = context.time(in: plan.start)
            let end = min(scenario.duration, plan.length.map { start + $0 } ?? scenario.duration)
            for index in channel.resolve(plan.node) {
                let node = channel[index]
                if node.storageFaults == nil { node.storageFaults = StorageFaultInjector(random: context.random.fork()) }
                node.storageFaults?.add(StorageFaultInjector.Window(fault: plan.fault, probability: plan.probability, start: start, end: end))
            }
        }
        for jump in scenario.jumps {
            let time = context.time(in: jump.at)
            for node in channel.resolve(jump.node) { clock.schedule(.clockJump(node: node, seconds: jump.seconds, absolute: false), at: time) }
        }
        if let plan = scenario.randomJumps, plan.perDay > 0 {
            var time: Int64 = 0
            while true {
                time += Int64(context.random.exponential(mean: Double(Scenario.day) / plan.perDay))
                guard time < scenario.duration else { break }
                let node = context.random.index(channel.nodes.count)
                clock.schedule(.clockJump(node: node, seconds: context.random.integer(in: -plan.largestSeconds...plan.largestSeconds), absolute: true),
                               at: time)
            }
        }
    }

    private func scheduleCut(_ child: Int, _ direction: Scenario.Direction, from start: Int64, length: Int64) {
        guard start < scenario.duration, length > 0 else { return }
        context.clock.schedule(.cut(child: child, direction: direction, on: true), at: start)
        context.clock.schedule(.cut(child: child, direction: direction, on: false), at: start + length)
    }

    // MARK: Links

    private static func outageKind(_ direction: Scenario.Direction) -> Timeline.OutageKind {
        switch direction {
        case .both: .cut
        case .up: .cutUp
        case .down: .cutDown
        }
    }

    func cut(_ child: Int, _ direction: Scenario.Direction, _ on: Bool) {
        guard context.clock.isWorkload else { return }
        channel.cut(child, direction, on)
        let parent = channel[child].parent.map { channel[$0].name } ?? "-"
        context.note("\(on ? "cut" : "mend") \(channel[child].name)\(direction == .both ? "<->" : direction == .up ? "->" : "<-")\(parent)")
        context.record.outage(Self.outageKind(direction), of: child, begins: on, at: now)
    }

    // MARK: Crashes

    /// The node's process dies: its in-memory state, timers and any round in flight are gone;
    /// messages to it are dropped until it restarts from its committed database.
    func crash(_ node: SimulatedNode, downFor: Int64) {
        guard context.clock.isWorkload, let live = node.node else { return }
        do {
            let size = try live.logSize()
            node.checkedLog = (size, try live.store.log.rootHash(atSize: size))
        } catch {
            context.unexpected(error, "reading the log before a crash", at: node)
        }
        node.crash(at: now)
        context.note("crash \(node.name) for \(downFor / 1_000) s")
        context.record.outage(.crash, of: node.index, begins: true, at: now)
        context.clock.schedule(.restart(node: node.index, incarnation: node.incarnation), after: downFor)
    }

    func restart(_ node: SimulatedNode, incarnation: Int) {
        guard node.incarnation == incarnation, !node.isUp else { return }
        bringBack(node)
    }

    /// The workload ends: every cut heals and every crashed node comes back.
    func healAll() {
        channel.heal()
        for node in channel.nodes where !node.isUp { bringBack(node) }
    }

    /// Reopens a crashed node on its database and checks that nothing it acknowledged was lost.
    private func bringBack(_ node: SimulatedNode) {
        do {
            try node.restart(at: now)
        } catch {
            context.unexpected(error, "reopening the node's database", at: node)
            return
        }
        context.note("restart \(node.name)")
        context.record.outage(.crash, of: node.index, begins: false, at: now)
        watch.checkAcknowledged(node)
        if node.parent != nil {
            sync.scheduleSync(node, after: context.random.integer(in: Scenario.second...(10 * Scenario.second)))
        }
    }

    // MARK: Clocks

    func jumpClock(_ node: SimulatedNode, seconds: Int64, absolute: Bool) {
        guard context.clock.isWorkload else { return }
        let before = node.jumpSeconds
        node.jumpSeconds = absolute ? seconds : node.jumpSeconds + seconds
        context.note("clock \(node.name) jumps \(node.jumpSeconds - before) s")
    }
}
