import TollgateCertificates
import TollgateCrypto
import TollgateNode

/// One agent's customers and everything their steps touch: the agent, the customers' state, their
/// own event queue and random stream, and what the steps leave for the run (trace lines, checks,
/// verifier jobs, events for the run's queue).
///
/// A customer's step touches only its own agent, so the desks run their steps on a thread of their
/// own, behind the run's event loop (see ``DeskRunner``). The outcome depends only on each desk's
/// own queue and stream and on the run's events that touch its agent, never on which thread ran it
/// or when, so a seed still replays the same run.
final class CustomerDesk {
    /// A customer's step, `customer` indexing ``customers``.
    struct Step {
        let customer: Int
        let step: CustomerStep
    }

    /// The node's index, also the desk's place when what desks leave is merged.
    let index: Int
    let agent: SimulatedNode
    let scenario: Scenario
    /// Countries no agent sells in, and every agent's: where travellers go.
    let destinations: [String]
    /// The verifier every customer's software embeds.
    let verifier: LicenseVerifier
    let workshop: MachineWorkshop
    let customerVerifier: CustomerVerifier
    /// For testing the checker: cheating agents are judged as honest ones (``SimulationOptions/hideCheatersFromChecker``).
    let judgesCheatersHonest: Bool

    var customers: [Customer] = []
    var queue = EventQueue<Step>()
    var random: SimulationRandom
    /// Simulated time of the step being run, milliseconds.
    var now: Int64 = 0
    /// Whether the workload still runs (customers act only then); cleared by the run when it ends.
    var open = true
    var stepCount = 0

    /// The desk's own trace, part of the run's trace hash.
    var trace: TraceRecorder
    /// Events for the run's queue (top-ups asked for, licenses shown to the vendor) not yet handed over.
    var outbox: [PostedEvent] = []
    var postCount: UInt64 = 0
    var checker = InvariantChecker()
    var verificationJobs: [CustomerVerifier.Job] = []
    var verificationCount = 0
    /// Metered use the agent receipted, the customers' own tally of what they are to be billed.
    var usage = UsageTally()
    /// Thumbprints of the machines restored from a snapshot that forked their usage chain.
    var rolledBack: [String] = []
    /// Certificates read so far, by hash.
    var certificates: [String: SignedCertificate] = [:]
    /// Each certificate chain the agent's license files carry, kept once: thousands of customers
    /// hold the same chain, and a decoded file brings its own copy of every string in it.
    var chains: [[String]: [String]] = [:]

    init(agent: SimulatedNode, scenario: Scenario, destinations: [String], verifier: LicenseVerifier, workshop: MachineWorkshop,
         customerVerifier: CustomerVerifier, random: SimulationRandom, traceCapacity: Int, judgesCheatersHonest: Bool = false) {
        self.index = agent.index
        self.agent = agent
        self.scenario = scenario
        self.destinations = destinations
        self.verifier = verifier
        self.workshop = workshop
        self.customerVerifier = customerVerifier
        self.judgesCheatersHonest = judgesCheatersHonest
        self.random = random
        self.trace = TraceRecorder(capacity: traceCapacity)
    }

    /// When the desk's next step is due, if any.
    var nextTime: Int64? { queue.nextTime }

    /// Runs the next step.
    func runNextStep() {
        guard let (time, step) = queue.popFirst() else { return }
        now = time
        stepCount += 1
        customerStep(step.customer, step.step)
    }

    func schedule(_ customer: Int, _ step: CustomerStep, after delay: Int64) {
        queue.schedule(Step(customer: customer, step: step), at: now + max(0, delay))
    }

    func schedule(_ customer: Int, _ step: CustomerStep, at time: Int64) {
        queue.schedule(Step(customer: customer, step: step), at: max(now, time))
    }

    /// An event for the run's queue, `delay` from now.
    func post(_ event: SimulationEvent, after delay: Int64) {
        outbox.append(PostedEvent(time: now + max(0, delay), desk: index, count: postCount, event: event))
        postCount += 1
    }

    func note(_ description: @autoclosure () -> String) {
        trace.record(now, description())
    }

    /// An error no workload expects (a storage failure, a malformed object from an honest node).
    func unexpected(_ error: any Error, _ context: String) {
        note("ERROR \(agent.name): \(context): \(error)")
        checker.error("\(agent.name) at \(TraceRecorder.stamp(now)): \(context): \(error)")
    }

    /// Whether the checker holds `agent` to the honest invariants.
    func judgesHonest(_ agent: SimulatedNode) -> Bool {
        agent.isHonest || judgesCheatersHonest
    }

    /// Unix seconds of true time (the customers' clocks).
    var trueSeconds: Int64 { agent.epoch + now / 1_000 }

    /// The agent's operator asks its parent's for more quota, once until it arrives.
    func requestTopUp() {
        guard agent.claimTopUp(open: open) else { return }
        post(.topUp(child: agent.index), after: random.integer(in: scenario.topUpDelay))
    }

    /// What a customer keeps of a license file: nothing for a license that cannot lapse (no step
    /// reads it again), else the file with its chain shared with the agent's other customers'.
    func wallet(_ file: LicenseFile, expires: Int64?) -> LicenseFile? {
        guard expires != nil else { return nil }
        var kept = file
        if let shared = chains[file.chain] {
            kept.chain = shared
        } else {
            chains[file.chain] = file.chain
        }
        return kept
    }

    /// Hands waiting verifier jobs to the customers' verifier.
    func submitVerifications() {
        customerVerifier.submit(verificationJobs)
        verificationJobs.removeAll(keepingCapacity: true)
    }
}

// A desk is used by one thread at a time: the desks' thread runs its steps, and the event loop
// touches it (or its agent) only while the ``DeskRunner`` holds it between steps.
extension CustomerDesk: @unchecked Sendable {}
