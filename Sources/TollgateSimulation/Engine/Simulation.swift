import Foundation
import TollgateCertificates
import TollgateCrypto
import TollgateLedger
import TollgateNode

/// A deterministic discrete-event simulation of a whole channel in one process: the real
/// `LicensingNode` state machines exchanging the real sync messages, as bytes, over a simulated
/// network, driven by customers, operators and planted cheaters, with the invariants checked during
/// and after the run. Everything random comes from the seed (the run's stream, and each customer
/// desk's stream forked from it) and time is simulated, so a seed replays the same run and the same
/// trace hash.
public final class Simulation {
    /// Unix time (seconds) of simulated time zero, unless the options say otherwise.
    public static let defaultEpoch: Int64 = 1_780_000_000
    /// Records the transcript when the options ask for one.
    let transcriptRecorder: TranscriptRecorder?
    /// Unix time (seconds) of simulated time zero in this run.
    var epoch: Int64 { options.epoch }

    enum Phase {
        /// Customers and operators act; faults happen.
        case workload
        /// Faults healed, no new traffic: sync catches up.
        case quiet
        case done
    }

    let scenario: Scenario
    public let seed: UInt64
    let options: SimulationOptions
    var random: SimulationRandom
    var queue = EventQueue<SimulationEvent>()
    /// Simulated time, milliseconds.
    var now: Int64 = 0
    var phase = Phase.workload
    var nodes: [SimulatedNode] = []
    var nodeByKey: [String: Int] = [:]
    var network: SimulatedNetwork
    var trace: TraceRecorder
    var checker = InvariantChecker()
    /// Each node's customers and their steps, by node index (the root's and the general agents' serve no customers).
    var desks: [CustomerDesk] = []
    var plants: [PlantedCheat] = []
    var timeline = Timeline()
    let anchor: TrustAnchor
    /// The verifier every customer's software embeds (certificate cache shared for speed).
    let verifier: LicenseVerifier
    /// The customers' verifier, on a second thread, and what waits for it.
    let customerVerifier: CustomerVerifier
    /// Signatures made or verified anywhere in the run. Every node, customer and check in the
    /// simulation shares it: the nodes share one process, and a hit answers exactly as verifying
    /// again would. What the run signs goes in as it is signed; anything else is verified once, on
    /// whichever thread sees it first.
    let verifiedSignatures = VerifiedSignatures()
    /// Makes customers' machines and their first requests ahead of use, on a thread of its own.
    let workshop: MachineWorkshop
    let encoder: JSONEncoder
    let decoder = JSONDecoder()
    /// Per node: the certificate each of its delegations was carved from.
    var delegatedFrom: [[String: String]] = []
    /// Per node: quota returns it has taken in from its children.
    var returnsTaken: [Set<String>] = []
    /// First time each finding was seen, by id.
    var findingSeen: [String: Int64] = [:]
    /// Every finding stored anywhere at the end, for the report.
    var finalFindings: [AuditFinding] = []
    var eventCount = 0
    var auditCount = 0
    var settledAt: Int64?
    /// Countries no agent sells in, and every agent's: where travellers go.
    var destinations: [String] = []

    public init(scenario: Scenario, seed: UInt64, options: SimulationOptions = SimulationOptions()) throws {
        self.scenario = scenario
        self.seed = seed
        self.options = options
        transcriptRecorder = options.recordsTranscript ? TranscriptRecorder() : nil
        random = SimulationRandom(seed: seed)
        trace = TraceRecorder(capacity: options.traceCapacity)
        let rootKey = try Ed25519PrivateKey(seed: random.bytes(32))
        anchor = TrustAnchor(publicKey: rootKey.publicKey)
        verifier = LicenseVerifier(anchor: anchor, cache: VerifiedCertificateCache(), signatures: verifiedSignatures.objects)
        customerVerifier = CustomerVerifier(anchor: anchor, signatures: verifiedSignatures.objects)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        workshop = MachineWorkshop(signatures: verifiedSignatures.objects)
        network = SimulatedNetwork(parent: [], faults: SimulatedNetwork.Faults(
            latency: scenario.latency, loss: scenario.loss, duplicate: scenario.duplicate,
            reorder: scenario.reorder, reorderDelay: scenario.reorderDelay))
        try build(rootKey: rootKey)
    }

    // MARK: Running

    /// Runs the scenario to the end and checks the invariants.
    public func run() throws -> SimulationReport {
        let started = DispatchTime.now().uptimeNanoseconds
        let limit = scenario.duration + scenario.quiet + scenario.settleLimit + Scenario.hour
        let runner = DeskRunner(desks: desks, window: deskWindow, threaded: options.parallelDesks)
        while phase != .done, let (time, event) = queue.first, time <= limit {
            if case .posted(let events) = runner.prepare(for: time, touching: touched(by: event)) {
                for posted in events { queue.schedule(posted.event, at: posted.time, place: posted.place) }
                continue
            }
            _ = queue.popFirst()
            now = time
            eventCount += 1
            handle(event)
        }
        runner.finish(at: now)
        finish()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return report(wallSeconds: wall)
    }

    func schedule(_ event: SimulationEvent, after delay: Int64) {
        queue.schedule(event, at: now + max(0, delay))
    }

    func schedule(_ event: SimulationEvent, at time: Int64) {
        queue.schedule(event, at: max(now, time))
    }

    func note(_ description: @autoclosure () -> String) {
        trace.record(now, description())
    }

    private func handle(_ event: SimulationEvent) {
        switch event {
        case .deliver(let from, let to, let bytes): deliver(from: from, to: to, bytes: bytes)
        case .syncStart(let node, let incarnation): startSync(nodes[node], incarnation: incarnation)
        case .syncTimeout(let node, let incarnation, let exchange, let phase):
            syncTimedOut(nodes[node], incarnation: incarnation, exchange: exchange, phase: phase)
        case .topUp(let child): topUp(nodes[child])
        case .quotaReturn: returnQuota()
        case .revocation: revokeCertificate()
        case .crash(let node, let downFor): crash(nodes[node], downFor: downFor)
        case .restart(let node, let incarnation): restart(nodes[node], incarnation: incarnation)
        case .cut(let child, let direction, let on): cut(child, direction, on)
        case .clockJump(let node, let seconds, let absolute): jumpClock(nodes[node], seconds: seconds, absolute: absolute)
        case .cheat(let index): carryOut(index)
        case .observe(let file, let attempt): observe(file, attempt: attempt)
        case .audit: periodicAudit()
        case .sample: sampleLag()
        case .workloadEnd: endWorkload()
        case .settleCheck: settleCheck()
        }
    }

    // MARK: Phases

    /// The workload stops: cuts heal, crashed nodes come back, clocks stop jumping; sync goes on.
    private func endWorkload() {
        phase = .quiet
        network.heal()
        timeline.closeAll(at: now)
        timeline.workloadEnd = now
        note("workload ends: the network heals, traffic stops")
        for node in nodes where !node.isUp { bringBack(node) }
        for desk in desks { desk.open = false }
        schedule(.settleCheck, after: scenario.quiet)
    }

    /// After the quiet period: done once the root holds every node's whole log, or the limit passes.
    private func settleCheck() {
        if converged() {
            settledAt = now
            note("settled: the root holds every log")
            phase = .done
        } else if now >= scenario.duration + scenario.quiet + scenario.settleLimit {
            note("settle limit reached")
            phase = .done
        } else {
            schedule(.settleCheck, after: Scenario.minute)
        }
    }

    /// Every node's log size equals the root's mirror of it.
    func converged() -> Bool {
        guard let root = nodes[0].node else { return false }
        for node in nodes.dropFirst() {
            guard let live = node.node, let size = try? live.logSize(),
                  let mirrored = try? root.mirroredLogSize(of: node.keyID), mirrored == size else { return false }
        }
        return true
    }

    // MARK: Failures of the node code

    /// An error no workload expects (a storage failure, a malformed message from an honest node).
    func unexpected(_ error: any Error, _ context: String, at node: SimulatedNode) {
        note("ERROR \(node.name): \(context): \(error)")
        checker.error("\(node.name) at \(TraceRecorder.stamp(now)): \(context): \(error)")
    }

    /// Unix seconds of true time (the customers' clocks).
    var trueSeconds: Int64 { epoch + now / 1_000 }

    /// A request nonce from the run's stream.
    func nonce() -> String {
        Base64URL.encode(random.bytes(16))
    }
}
