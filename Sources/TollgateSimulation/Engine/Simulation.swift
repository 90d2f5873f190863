import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateNode

/// A deterministic discrete-event simulation of a whole channel in one process: the real
/// `LicensingNode` state machines exchanging the real sync messages, as bytes, over a simulated
/// network, driven by customers, operators and planted cheaters, with the invariants checked during
/// and after the run. Everything random comes from the seed (the run's stream, and each customer
/// desk's stream forked from it) and time is simulated, so a seed replays the same run and the same
/// trace hash.
///
/// The simulation is the coordinator: it builds its parts, runs the event loop and hands each
/// event to the part whose job it is. The parts share the run's clock, random stream, record and
/// checker through one ``RunContext``:
///
/// | Job | Part |
/// |---|---|
/// | simulated time, the event queue, the phase | ``EventClock`` |
/// | the nodes, found by index, name or key; the links and the wire | ``Channel`` |
/// | children's sync rounds: timers, timeouts, incarnations, the parent's answers | ``SyncDriver`` |
/// | operators' and the vendor's calls; delegations and returns taken back | ``Operators`` (``OperatorConsole``) |
/// | customers' desks, destinations, the machine workshop, the customers' verifier | ``CustomerSide`` |
/// | faults: cuts, crashes and restarts, storage faults, clock skews and jumps | ``ChannelFaults`` |
/// | planted cheats and their carrying out | ``Adversary`` |
/// | invariants on what nodes hold: crashes, convergence, audits and findings | ``AuditWatch`` |
/// | trace, timeline, transcript | ``RunRecord`` |
public final class Simulation {
    /// Unix time (seconds) of simulated time zero, unless the options say otherwise.
    public static let defaultEpoch: Int64 = 1_780_000_000

    let context: RunContext
    let channel: Channel
    private let sync: SyncDriver
    private let operators: Operators
    let customers: CustomerSide
    private let faults: ChannelFaults
    let adversary: Adversary
    let watch: AuditWatch

    public var seed: UInt64 { context.seed }

    /// Builds the tree (root, general agents, regional agents), hands out the first certificates
    /// and schedules the workload, the faults and the cheats, all drawn from the seed's stream in
    /// that order.
    public init(scenario: Scenario, seed: UInt64, options: SimulationOptions = SimulationOptions()) throws {
        let context = RunContext(scenario: scenario, seed: seed, options: options)
        let rootKey = try Ed25519PrivateKey(seed: context.random.bytes(32))
        let anchor = TrustAnchor(publicKey: rootKey.publicKey)
        // Signatures made or verified anywhere in the run. Every node, customer and check in the
        // simulation shares it: the nodes share one process, and a hit answers exactly as verifying
        // again would. What the run signs goes in as it is signed; anything else is verified once,
        // on whichever thread sees it first.
        let signatures = VerifiedSignatures()
        let verifier = LicenseVerifier(anchor: anchor, cache: VerifiedCertificateCache(), signatures: signatures.objects)
        let customerVerifier = CustomerVerifier(anchor: anchor, signatures: signatures.objects)
        let workshop = MachineWorkshop(signatures: signatures.objects)
        let channel = try Channel(context: context, rootKey: rootKey, anchor: anchor, signatures: signatures)
        context.record.lay(out: channel.nodes, syncWithinSeconds: scenario.syncWithinSeconds)
        let console = OperatorConsole(context: context)
        let operators = Operators(context: context, channel: channel, console: console)
        let sync = SyncDriver(context: context, channel: channel, operators: operators, workshop: workshop)
        let watch = AuditWatch(context: context, channel: channel, console: console)
        let faults = ChannelFaults(context: context, channel: channel, sync: sync, watch: watch)

        faults.setClocks()
        try operators.delegateFirstCertificates()
        for node in channel.agents {
            sync.scheduleSync(node, after: context.random.integer(in: 0...(scenario.syncIntervalSeconds * 1_000)))
        }
        let customers = CustomerSide(context: context, channel: channel, verifier: verifier, customerVerifier: customerVerifier,
                                     workshop: workshop)
        operators.schedule()
        faults.schedule()
        let adversary = Adversary(context: context, channel: channel, operators: operators, customers: customers)
        adversary.plant()
        let clock = context.clock
        if scenario.auditEvery > 0 {
            var time = scenario.auditEvery
            while time < scenario.duration + scenario.quiet {
                clock.schedule(.audit, at: time)
                time += scenario.auditEvery
            }
        }
        let sampleEvery = max(Scenario.minute, (scenario.duration + scenario.quiet) / 400)
        var time: Int64 = 0
        while time <= scenario.duration + scenario.quiet {
            clock.schedule(.sample, at: time)
            time += sampleEvery
        }
        clock.schedule(.workloadEnd, at: scenario.duration)

        self.context = context
        self.channel = channel
        self.sync = sync
        self.operators = operators
        self.customers = customers
        self.faults = faults
        self.adversary = adversary
        self.watch = watch
    }

    // MARK: Running

    /// Runs the scenario to the end and checks the invariants.
    public func run() throws -> SimulationReport {
        let started = DispatchTime.now().uptimeNanoseconds
        let scenario = context.scenario
        let clock = context.clock
        let limit = scenario.duration + scenario.quiet + scenario.settleLimit + Scenario.hour
        let runner = DeskRunner(desks: customers.desks, window: customers.window, threaded: context.options.parallelDesks)
        while clock.phase != .done, let (time, event) = clock.next, time <= limit {
            if case .posted(let events) = runner.prepare(for: time, touching: touched(by: event)) {
                clock.schedule(events)
                continue
            }
            clock.advance()
            handle(event)
        }
        runner.finish(at: clock.now)
        finish()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return report(wallSeconds: wall)
    }

    private func handle(_ event: SimulationEvent) {
        switch event {
        case .deliver(let from, let to, let bytes):
            if let message = channel.deliver(from: from, to: to, bytes: bytes) { sync.receive(message, from: from, at: channel[to]) }
        case .syncStart(let node, let incarnation): sync.startSync(channel[node], incarnation: incarnation)
        case .syncTimeout(let node, let incarnation, let exchange, let phase):
            sync.syncTimedOut(channel[node], incarnation: incarnation, exchange: exchange, phase: phase)
        case .topUp(let child): operators.topUp(channel[child])
        case .quotaReturn: operators.returnQuota()
        case .revocation: operators.revokeCertificate()
        case .observe(let file, let attempt): operators.observe(file, attempt: attempt)
        case .crash(let node, let downFor): faults.crash(channel[node], downFor: downFor)
        case .restart(let node, let incarnation): faults.restart(channel[node], incarnation: incarnation)
        case .cut(let child, let direction, let on): faults.cut(child, direction, on)
        case .clockJump(let node, let seconds, let absolute): faults.jumpClock(channel[node], seconds: seconds, absolute: absolute)
        case .cheat(let index): adversary.carryOut(index)
        case .audit: watch.periodicAudit()
        case .sample: context.record.sampleLag(of: channel.agents, at: context.now)
        case .workloadEnd: endWorkload()
        case .settleCheck: settleCheck()
        }
    }

    /// The agents whose nodes or desks `event` reads or changes (nil: any of them), which must have
    /// run every customer step before it first (see ``DeskRunner``).
    private func touched(by event: SimulationEvent) -> [Int]? {
        switch event {
        case .deliver(_, let to, _): [to]
        case .syncStart(let node, _), .syncTimeout(let node, _, _, _), .crash(let node, _), .restart(let node, _),
             .clockJump(let node, _, _): [node]
        case .topUp(let child): [child] + (channel[child].parent.map { [$0] } ?? [])
        case .cheat(let index): [adversary.node(ofPlant: index)]
        case .observe, .audit: [0]
        case .cut: []
        case .quotaReturn, .revocation, .sample, .workloadEnd, .settleCheck: nil
        }
    }

    // MARK: Phases

    /// The workload stops: cuts heal, crashed nodes come back, clocks stop jumping; sync goes on.
    private func endWorkload() {
        context.clock.enter(.quiet)
        context.record.workloadEnds(at: context.now)
        context.note("workload ends: the network heals, traffic stops")
        faults.healAll()
        customers.close()
        context.clock.schedule(.settleCheck, after: context.scenario.quiet)
    }

    /// After the quiet period: done once the root holds every node's whole log, or the limit passes.
    private func settleCheck() {
        let scenario = context.scenario
        if watch.settle() {
            context.note("settled: the root holds every log")
            context.clock.enter(.done)
        } else if context.now >= scenario.duration + scenario.quiet + scenario.settleLimit {
            context.note("settle limit reached")
            context.clock.enter(.done)
        } else {
            context.clock.schedule(.settleCheck, after: Scenario.minute)
        }
    }

    /// After the run: the desks' and the customers' verifier's checks, then the checks of what the nodes hold.
    private func finish() {
        customers.finish(into: &context.checker)
        context.record.runEnds(at: context.now)
        watch.finish(plants: adversary.plants, tally: RevenueTally(desks: customers.desks), leases: customers.heldLeases,
                     usage: UsageTally(desks: customers.desks),
                     rolledBack: context.options.hideRollbacksFromChecker ? [] : customers.desks.flatMap(\.rolledBack))
    }
}
